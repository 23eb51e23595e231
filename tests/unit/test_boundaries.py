"""Boundaries the code keeps: the API reaches conductor and compute only
through their ``rpcapi``, and no nova-core modules import each other in a
circle. Only module-level imports count (an import inside a function runs
late, when every module is loaded)."""
import ast
import pathlib

import pytest

import nova_core
import nova_core_drivers

PACKAGES = {
    'nova_core': pathlib.Path(nova_core.__file__).parent,
    'nova_core_drivers': pathlib.Path(nova_core_drivers.__file__).parent}
#: What the API may import of the services it talks to.
API_MAY_IMPORT = ('nova_core.compute.rpcapi', 'nova_core.conductor.rpcapi')


def _modules():
    """{dotted module name: path} of nova_core and the in-tree drivers."""
    found = {}
    for package, root in PACKAGES.items():
        for path in root.rglob('*.py'):
            parts = list(path.relative_to(root).with_suffix('').parts)
            if parts[:2] == ['db', 'migrations']:
                continue  # alembic scripts, loaded by alembic alone
            if parts[-1] == '__init__':
                parts.pop()
            found['.'.join([package] + parts)] = path
    return found


MODULES = _modules()


def _top_level(tree):
    """Import statements run at import time: the module body, including
    under module-level ``if``/``try``, but not in functions or classes."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try)):
            pending.extend(ast.iter_child_nodes(node))
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)


def _absolute(module, node):
    if not node.level:
        return node.module
    package = module.split('.')
    is_package = MODULES[module].name == '__init__.py'
    base = package[:len(package) - node.level + (1 if is_package else 0)]
    return '.'.join(base + ([node.module] if node.module else []))


def _imports(module):
    """The nova-core modules ``module`` imports at its top level."""
    tree = ast.parse(MODULES[module].read_text(encoding='utf-8'))
    targets = set()
    for node in _top_level(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            source = _absolute(module, node)
            names = [source + '.' + a.name if source + '.' + a.name
                     in MODULES else source for a in node.names]
        targets.update(n for n in names if n in MODULES)
    return targets


GRAPH = {module: _imports(module) for module in MODULES}


def _strongly_connected(graph):
    """Tarjan's algorithm, iterative: the components of ``graph``."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                result.append(component)
    return result


def test_graph_sees_the_known_edges():
    # The walk itself must work, or the tests below prove nothing.
    assert 'nova_core.api.servers_api' in MODULES
    assert 'nova_core.conductor.rpcapi' in GRAPH['nova_core.api.servers_api']
    assert 'nova_core.api.actions.base' in GRAPH['nova_core.api.actions']


def test_tarjan_finds_a_cycle():
    graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}
    assert {'a', 'b', 'c'} in _strongly_connected(graph)
    assert {'d'} in _strongly_connected(graph)


def test_no_import_cycles():
    cycles = [sorted(c) for c in _strongly_connected(GRAPH) if len(c) > 1]
    cycles += [[m] for m, targets in GRAPH.items() if m in targets]
    assert not cycles, 'import cycles: %s' % cycles


@pytest.mark.parametrize('module', sorted(
    m for m in MODULES if m.startswith('nova_core.api')))
def test_api_reaches_services_only_through_rpcapi(module):
    wrong = sorted(
        t for t in GRAPH[module]
        if t.startswith(('nova_core.compute', 'nova_core.conductor'))
        and t not in API_MAY_IMPORT)
    assert not wrong, '%s imports %s' % (module, wrong)
