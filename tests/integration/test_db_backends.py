"""The database layer on every backend it supports: SQLite, MariaDB and
PostgreSQL.

Each test gets a fresh database. The schema comes from the migrations
(``nova-core-manage db sync`` or :func:`nova_core.db.migration.db_sync`)
and must equal the models; the DB API must behave alike on each backend;
and above all, concurrent claims must never over-commit a compute node.
"""
import concurrent.futures
import subprocess
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from oslo_config import fixture as config_fixture

from nova_core import exception
from nova_core.conf import CONF
from nova_core.db import flavors, images, instances, migration, models
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from tests.integration import cloud

BACKENDS = ['sqlite', 'mariadb', 'postgresql']


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, empty database of each backend, as a URL."""
    if request.param == 'sqlite':
        return 'sqlite:///%s' % (tmp_path / 'nova-core.sqlite')
    return request.getfixturevalue('%s_url' % request.param)


@pytest.fixture
def db(db_url):
    """``[database] connection`` pointing at ``db_url``, schema migrated.

    Yields the URL; the module-global engine is disposed before and after,
    so no connection outlives the database.
    """
    conf = config_fixture.Config(CONF)
    conf.setUp()
    db_session.dispose()
    try:
        conf.config(connection=db_url, group='database')
        migration.db_sync()
        yield db_url
    finally:
        db_session.dispose()
        conf.cleanUp()


def _manage(config_file, *args):
    return subprocess.run(
        [cloud.console_script('nova-core-manage'), '--config-file',
         config_file, *args], capture_output=True, text=True, timeout=120)


def _schema(engine):
    inspector = sa.inspect(engine)
    return {table: sorted(c['name'] for c in inspector.get_columns(table))
            for table in inspector.get_table_names()}


# --- schema ----------------------------------------------------------------

def _scripts():
    from alembic.script import ScriptDirectory
    return ScriptDirectory(migration.MIGRATIONS)


def _head():
    return _scripts().get_current_head()


def _previous(head):
    """'<down> -> <head>' as Alembic logs the last upgrade."""
    return '%s -> %s' % (_scripts().get_revision(head).down_revision, head)


def test_db_sync_creates_schema_and_second_run_is_noop(db_url, tmp_path):
    conf_file = cloud.write_config(str(tmp_path / 'controller.conf'), {
        'DEFAULT': {'state_path': str(tmp_path)},
        'database': {'connection': db_url}})
    engine = sa.create_engine(db_url)
    try:
        first = _manage(conf_file, 'db', 'sync')
        assert first.returncode == 0, first.stderr
        head = _head()
        assert 'Database schema at %s' % head in first.stdout
        schema = _schema(engine)
        expected = set(models.Base.metadata.tables) | {'alembic_version'}
        assert set(schema) == expected
        for table in models.Base.metadata.sorted_tables:
            assert schema[table.name] == sorted(c.name for c in table.c)

        second = _manage(conf_file, 'db', 'sync')
        assert second.returncode == 0, second.stderr
        # Alembic logs the upgrades it runs on stderr; stdout is the answer.
        assert 'Running upgrade  -> 001' in first.stderr
        assert 'Running upgrade %s' % _previous(head) in first.stderr
        assert 'Running upgrade' not in second.stderr
        assert second.stdout.splitlines() == ['Database schema at %s' % head]
        assert _schema(engine) == schema
        with engine.connect() as conn:
            versions = conn.execute(sa.text(
                'SELECT version_num FROM alembic_version')).scalars().all()
        assert versions == [head]

        version = _manage(conf_file, 'db', 'version')
        assert version.returncode == 0, version.stderr
        assert version.stdout.splitlines()[-1] == head
    finally:
        engine.dispose()


def test_models_match_migrations(db):
    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={'compare_type': True})
            diff = compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


# --- the DB API ------------------------------------------------------------

def _flavor(flavorid, name, memory_mb=1024, vcpus=1, root_gb=1):
    return {'flavorid': flavorid, 'name': name, 'memory_mb': memory_mb,
            'vcpus': vcpus, 'root_gb': root_gb, 'extra_specs': {}}


def _instance(flavor, image_id, name, project_id='demo', **extra):
    values = {
        'display_name': name, 'project_id': project_id, 'user_id': 'demo',
        'image_ref': image_id, 'flavor_id': flavor['flavorid'],
        'flavor': {k: flavor[k] for k in ('flavorid', 'name', 'memory_mb',
                                          'vcpus', 'root_gb')},
        'vcpus': flavor['vcpus'], 'memory_mb': flavor['memory_mb'],
        'root_gb': flavor['root_gb'], 'vm_state': 'building',
        'task_state': 'scheduling'}
    values.update(extra)
    return values


def _image():
    return images.create({
        'id': cloud.unique_name('img').replace('_', '-')[:36],
        'name': 'cirros', 'status': 'active', 'visibility': 'public',
        'disk_format': 'raw', 'container_format': 'bare', 'min_ram': 0,
        'min_disk': 0, 'tags': [], 'properties': {'os': 'linux'}})


def _pages(fetch, limit, key='uuid'):
    """Walk a paged listing; returns every row in order."""
    rows, marker = [], None
    for _ in range(100):
        page = fetch(limit=limit, marker=marker)
        rows.extend(page)
        if len(page) < limit:
            return rows
        marker = page[-1][key]
    raise AssertionError('pagination does not end')


def test_flavors_images_instances(db):
    created = [flavors.create(_flavor('f%02d' % i, 'flavor-%02d' % (9 - i),
                                      memory_mb=256 * (i + 1)))
               for i in range(10)]
    with pytest.raises(exception.Conflict):
        flavors.create(_flavor('f00', 'another'))
    assert flavors.get('f03')['memory_mb'] == 1024
    by_name = [f['flavorid'] for f in _pages(
        lambda **kw: flavors.get_all(sort_key='name', **kw), 3,
        key='flavorid')]
    assert by_name == ['f%02d' % i for i in reversed(range(10))]
    big = flavors.get_all(min_memory_mb=2048, sort_key='memory_mb',
                          sort_dir='desc')
    assert [f['memory_mb'] for f in big] == [2560, 2304, 2048]

    image = _image()
    assert images.get(image['id'])['properties'] == {'os': 'linux'}
    assert [i['id'] for i in images.get_all(
        project_id='someone', filters={'name': 'cirros'})] == [image['id']]

    flavor = created[0]
    # Three batches: each shares one created_at, so the order on it has
    # ties that only id breaks.
    rows = []
    for batch in (range(0, 8), range(8, 16), range(16, 25)):
        rows += instances.create([
            _instance(flavor, image['id'], 'vm-%02d' % (i % 7),
                      project_id='demo' if i < 20 else 'other')
            for i in batch])
    assert len({r['uuid'] for r in rows}) == 25
    one = instances.get(rows[0]['uuid'])
    assert one['flavor']['name'] == flavor['name']
    assert one['name'] == CONF.instance_name_template % one['id']
    with pytest.raises(exception.InstanceNotFound):
        instances.get(rows[0]['uuid'], project_id='other')

    mine = {r['uuid']: r for r in rows[:20]}
    # The default order (created_at desc, id desc) has ties on created_at.
    newest_first = _pages(lambda **kw: instances.get_all(
        {'project_id': 'demo'}, **kw), 3)
    expected = sorted(mine.values(), key=lambda r: (r['created_at'],
                                                    r['id']), reverse=True)
    assert [r['uuid'] for r in newest_first] == [r['uuid'] for r in expected]
    # Names repeat: the order is made total by id.
    by_name = _pages(lambda **kw: instances.get_all(
        {'project_id': 'demo'}, sort_keys=('display_name', 'id'),
        sort_dirs=('asc', 'desc'), **kw), 4)
    expected = sorted(mine.values(), key=lambda r: (r['display_name'],
                                                    -r['id']))
    assert [r['uuid'] for r in by_name] == [r['uuid'] for r in expected]
    with pytest.raises(exception.InstanceNotFound):
        instances.get_all(marker='no-such-marker')

    instances.destroy(rows[0]['uuid'])
    assert len(instances.get_all({'project_id': 'demo'})) == 19
    assert len(instances.get_all({'project_id': 'demo', 'deleted': True})) \
        == 20
    with pytest.raises(exception.InstanceNotFound):
        instances.get(rows[0]['uuid'])


def test_pagination_over_null_sort_key(db):
    """Paging on a column with NULLs returns every row exactly once."""
    flavor = flavors.create(_flavor('n1', 'nullable'))
    image = _image()
    rows = instances.create([
        _instance(flavor, image['id'], 'vm-%d' % i,
                  host=None if i % 3 == 0 else 'host-%d' % (i % 2))
        for i in range(12)])
    for direction in ('asc', 'desc'):
        paged = _pages(lambda d=direction, **kw: instances.get_all(
            sort_keys=('host', 'id'), sort_dirs=(d, d), **kw), 2)
        assert sorted(r['uuid'] for r in paged) == \
            sorted(r['uuid'] for r in rows), direction
        whole = instances.get_all(sort_keys=('host', 'id'),
                                  sort_dirs=(direction, direction))
        assert [r['uuid'] for r in paged] == [r['uuid'] for r in whole]


def test_conditional_update(db):
    flavor = flavors.create(_flavor('c1', 'cond'))
    inst = instances.create(_instance(flavor, None, 'cond'))
    uuid = inst['uuid']

    done = instances.update(uuid, {'task_state': 'spawning'},
                            expected_task_state='scheduling')
    assert done['task_state'] == 'spawning'
    with pytest.raises(exception.InstanceTaskStateConflict):
        instances.update(uuid, {'task_state': 'spawning'},
                         expected_task_state='scheduling')
    with pytest.raises(exception.InstanceTaskStateConflict):
        instances.update(uuid, {'task_state': 'rebooting'},
                         expected_task_state=None)
    with pytest.raises(exception.InstanceTaskStateConflict):
        instances.update(uuid, {'vm_state': 'active'},
                         expected_vm_state='stopped')
    done = instances.update(uuid, {'vm_state': 'active', 'task_state': None,
                                   'meta': {'k': 'v'}},
                            expected_task_state=('spawning', 'scheduling'))
    assert (done['vm_state'], done['task_state'], done['meta']) == \
        ('active', None, {'k': 'v'})
    assert instances.get(uuid)['meta'] == {'k': 'v'}

    # Eight racers from task_state None: exactly one wins.
    barrier = threading.Barrier(8)

    def race(n):
        barrier.wait(10)
        try:
            instances.update(uuid, {'task_state': 'rebooting-%d' % n},
                             expected_task_state=None)
            return True
        except exception.InstanceTaskStateConflict:
            return False
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(race, range(8)))
    assert results.count(True) == 1
    winner = results.index(True)
    assert instances.get(uuid)['task_state'] == 'rebooting-%d' % winner

    with pytest.raises(exception.InstanceNotFound):
        instances.update('no-such-instance', {'task_state': None})


def _node(host):
    return db_services.node_get_all(host=host)[0]


@pytest.mark.parametrize('reserved_mb', [0, 1024])
def test_concurrent_claims_never_overcommit(db, reserved_mb):
    host = 'claim-host'
    db_services.register(host, 'nova-compute', 'compute')
    node = db_services.node_update(host, {
        'hypervisor_hostname': host, 'hypervisor_type': 'fake',
        'hypervisor_version': 1, 'cpu_info': '{}', 'vcpus': 64,
        'memory_mb': 8192, 'local_gb': 1000, 'reserved_vcpus': 0,
        'reserved_memory_mb': reserved_mb, 'reserved_disk_gb': 0,
        'cpu_allocation_ratio': 16.0, 'ram_allocation_ratio': 1.0,
        'disk_allocation_ratio': 1.0})
    fits = (8192 - reserved_mb) // 1024
    flavor = flavors.create(_flavor('g1', 'one-gib', memory_mb=1024,
                                    root_gb=2))
    uuids = [r['uuid'] for r in instances.create([
        _instance(flavor, None, 'claim-%d' % i) for i in range(40)])]

    barrier = threading.Barrier(8)

    def claimer(chunk):
        barrier.wait(10)
        return [(u, instances.claim(u, node['id'], host, host))
                for u in chunk]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = [r for chunk in pool.map(claimer, [uuids[i::8]
                                                     for i in range(8)])
                   for r in chunk]
    claimed = [u for u, ok in results if ok]
    assert len(claimed) == fits
    after = _node(host)
    assert after['memory_mb_used'] == fits * 1024
    assert after['vcpus_used'] == fits
    assert after['local_gb_used'] == fits * 2
    assert after['running_vms'] == fits
    placed = instances.get_all({'host': host})
    assert sorted(r['uuid'] for r in placed) == sorted(claimed)
    assert all(r['node'] == host for r in placed)
    # A full node refuses the next claim, and an unknown instance raises.
    spare = next(u for u, ok in results if not ok)
    assert instances.claim(spare, node['id'], host, host) is False
    with pytest.raises(exception.InstanceNotFound):
        instances.claim('no-such-instance', node['id'], host, host)

    # Destroying everything, each twice over from racing threads, gives
    # every claim back exactly once.
    barrier = threading.Barrier(8)

    def destroyer(chunk):
        barrier.wait(10)
        gone = 0
        for u in chunk:
            try:
                instances.destroy(u)
                gone += 1
            except exception.InstanceNotFound:
                pass
        return gone
    twice = claimed + claimed[::-1]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        done = sum(pool.map(destroyer, [twice[i::8] for i in range(8)]))
    assert done == len(claimed)
    after = _node(host)
    assert (after['memory_mb_used'], after['vcpus_used'],
            after['local_gb_used'], after['running_vms']) == (0, 0, 0, 0)
    assert instances.get_all({'host': host}) == []
    # The node is whole again: the same number fit once more.
    rest = [u for u, ok in results if not ok]
    again = [instances.claim(u, node['id'], host, host) for u in rest]
    assert again.count(True) == fits


def _claim_in_process(db_url, node_id, host, uuids, start_at):
    """In a child process: claim ``uuids`` with nova-core's own code."""
    import time

    conf = config_fixture.Config(CONF)
    conf.setUp()
    conf.config(connection=db_url, group='database')
    db_session.dispose()
    instances.get(uuids[0])  # connect before the start line
    time.sleep(max(0.0, start_at - time.time()))
    won = [u for u in uuids if instances.claim(u, node_id, host, host)]
    db_session.dispose()
    return won


def test_concurrent_claims_across_processes(db):
    """Four processes (as four conductors) claiming on one node at once do
    not over-commit it either."""
    import multiprocessing
    import time

    host = 'multi-process'
    db_services.register(host, 'nova-compute', 'compute')
    node = db_services.node_update(host, {
        'hypervisor_hostname': host, 'hypervisor_type': 'fake',
        'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100,
        'ram_allocation_ratio': 1.0, 'cpu_allocation_ratio': 1.0,
        'disk_allocation_ratio': 1.0, 'reserved_memory_mb': 0,
        'reserved_vcpus': 0, 'reserved_disk_gb': 0})
    flavor = flavors.create(_flavor('p1', 'proc', memory_mb=1024))
    uuids = [r['uuid'] for r in instances.create([
        _instance(flavor, None, 'p-%d' % i) for i in range(24)])]
    start_at = time.time() + 5
    with concurrent.futures.ProcessPoolExecutor(
            4, mp_context=multiprocessing.get_context('spawn')) as pool:
        won = [u for chunk in pool.map(
            _claim_in_process, [db] * 4, [node['id']] * 4, [host] * 4,
            [uuids[i::4] for i in range(4)], [start_at] * 4) for u in chunk]
    assert len(won) == len(set(won)) == 8
    after = _node(host)
    assert (after['memory_mb_used'], after['vcpus_used'],
            after['running_vms']) == (8192, 8, 8)
    assert sorted(r['uuid'] for r in instances.get_all({'host': host})) == \
        sorted(won)


def test_claim_of_a_placed_instance_does_not_count_twice(db):
    """A second claim of an instance that already holds one (a redelivered
    ``build_instances``, or two conductors given the same instance) must
    not add its resources again: destroy gives back only one claim."""
    host = 'twice'
    db_services.register(host, 'nova-compute', 'compute')
    node = db_services.node_update(host, {
        'hypervisor_hostname': host, 'hypervisor_type': 'fake',
        'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100,
        'ram_allocation_ratio': 1.0, 'cpu_allocation_ratio': 1.0,
        'disk_allocation_ratio': 1.0, 'reserved_memory_mb': 0,
        'reserved_vcpus': 0, 'reserved_disk_gb': 0})
    flavor = flavors.create(_flavor('t1', 'twice', memory_mb=1024))
    uuid = instances.create(_instance(flavor, None, 'twice'))['uuid']
    assert instances.claim(uuid, node['id'], host, host) is True
    instances.claim(uuid, node['id'], host, host)
    assert _node(host)['memory_mb_used'] == 1024
    instances.destroy(uuid)
    after = _node(host)
    assert (after['memory_mb_used'], after['running_vms']) == (0, 0)
