"""Compute nodes never reach the database: imports, guard, start-up check."""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NO_DB_TREES = [ROOT / 'nova_core' / 'compute', ROOT / 'drivers',
               ROOT / 'nova_core' / 'virt', ROOT / 'nova_core' / 'image' /
               'client.py']


def _imports(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from ('%s.%s' % (node.module, a.name) for a in node.names)


def _files():
    for tree in NO_DB_TREES:
        yield from ([tree] if tree.is_file() else tree.rglob('*.py'))


@pytest.mark.parametrize('path', sorted(_files()),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_database_imports(path):
    bad = [m for m in _imports(path)
           if m == 'nova_core.db' or m.startswith('nova_core.db.') or
           m.startswith('sqlalchemy')]
    assert not bad, '%s imports %s' % (path, bad)


def _run(code):
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_guard_blocks_database_imports():
    result = _run(
        'from nova_core import db_guard\n'
        'db_guard.forbid_db_access()\n'
        'from nova_core.compute import manager, service\n'
        'try:\n'
        '    import nova_core.db.instances\n'
        'except Exception as exc:\n'
        '    print(type(exc).__name__, exc)\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('DBAccessForbidden')
    assert 'nova_core.db' in result.stdout


def test_guard_blocks_an_already_imported_database_layer():
    result = _run(
        'from nova_core.db import session\n'
        'from nova_core import db_guard\n'
        'db_guard.forbid_db_access()\n'
        'try:\n'
        '    session.get_engine()\n'
        'except Exception as exc:\n'
        '    print(type(exc).__name__)\n')
    assert result.stdout.strip() == 'DBAccessForbidden', result.stderr


def test_compute_service_modules_load_without_database():
    result = _run(
        'from nova_core import db_guard\n'
        'db_guard.forbid_db_access()\n'
        'import nova_core.cmd.compute\n'
        'import sys\n'
        'print(sorted(m for m in sys.modules if m.startswith('
        '"nova_core.db.") or m == "nova_core.db"))\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[]'


def test_compute_refuses_database_settings(tmp_path):
    conf = tmp_path / 'nova.conf'
    conf.write_text('[database]\nconnection = mysql+pymysql://nova:secret@'
                    'db/nova\n')
    result = subprocess.run(
        [sys.executable, '-m', 'nova_core.cmd.compute', '--config-file',
         str(conf)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert 'refusing to start' in result.stderr
    assert '[database] connection' in result.stderr
    assert 'secret' not in result.stderr
