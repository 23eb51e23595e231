"""The spine's acceptance test: separate processes on RabbitMQ and MariaDB.

Two ``nova-core-conductor`` processes, one ``nova-core-compute`` and one
``nova-core-api``, each started from its own configuration file; the
compute node's file has no ``[database]`` section and its process holds no
database URL, password or connection. Through the API: an image is
uploaded (Glance v2), servers are booted, listed, paged, shown, hidden
from other projects and deleted; a conductor is killed and boots go on.
"""
import os
import subprocess

import pytest
import requests
import sqlalchemy as sa

from tests.integration import cloud as cloudlib

IMAGE_BYTES = os.urandom(64 * 1024) + b'cirros-test'


def _db_name(url):
    return sa.engine.make_url(url).database


@pytest.fixture(scope='module')
def mp_cloud(rabbit_vhost, mariadb_module_url, tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp('multiprocess'))
    cloud = cloudlib.MultiProcessCloud(
        workdir, rabbit_vhost.transport_url, mariadb_module_url,
        conductors=2, computes=1)
    try:
        cloud.start(timeout=60)
    except (RuntimeError, TimeoutError, requests.RequestException) as exc:
        cloud.stop()
        pytest.fail('the cloud did not start: %s\n%s' % (exc, cloud.logs()),
                    pytrace=False)
    except BaseException:
        cloud.stop()
        raise
    yield cloud
    codes = cloud.stop()
    # Stopped by SIGTERM, every process that was still running exits 0.
    bad = {name: code for name, code in codes.items()
           if code not in (0, -9)}
    assert not bad, 'unclean exits %s:\n%s' % (bad, cloud.logs())


@pytest.fixture(scope='module')
def db_engine(mariadb_module_url):
    """The test's own look at the database (never the compute's)."""
    engine = sa.create_engine(mariadb_module_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope='module')
def image_id(mp_cloud):
    return mp_cloud.upload_image(IMAGE_BYTES)


def _sockets_to(pid, port):
    """Established TCP connections of ``pid`` to ``port`` (any address)."""
    inodes = set()
    fd_dir = '/proc/%d/fd' % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith('socket:['):
            inodes.add(target[8:-1])
    found = []
    for table in ('/proc/%d/net/tcp' % pid, '/proc/%d/net/tcp6' % pid):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                remote_port = int(fields[2].rsplit(':', 1)[1], 16)
                if remote_port == port and fields[9] in inodes:
                    found.append(fields[2])
    return found


def _read_proc(pid, name):
    with open('/proc/%d/%s' % (pid, name), 'rb') as f:
        return f.read().replace(b'\0', b'\n').decode(errors='replace')


# --- compute nodes hold no database -------------------------------------

def test_compute_node_has_no_database(mp_cloud, mariadb_module_url):
    compute = mp_cloud.computes[0]
    assert compute.alive()
    with open(compute.config_file) as f:
        text = f.read()
    secrets = [mariadb_module_url, _db_name(mariadb_module_url),
               'mysql', 'pymysql', 'postgresql', 'sqlite']
    assert '[database]' not in text
    for secret in secrets:
        assert secret not in text
    for part in ('environ', 'cmdline'):
        seen = _read_proc(compute.pid, part)
        for secret in secrets:
            assert secret not in seen, (part, secret)
    assert _sockets_to(compute.pid, cloudlib.MARIADB[1]) == []
    # The check above does see a process that does hold a connection.
    conductor = mp_cloud.conductors[0]
    assert '[database]' in open(conductor.config_file).read()
    assert _sockets_to(conductor.pid, cloudlib.MARIADB[1])


def test_compute_refuses_a_database_section(tmp_path, rabbit_vhost):
    conf = cloudlib.write_config(str(tmp_path / 'compute.conf'), {
        'DEFAULT': {'host': 'bad-compute', 'state_path': str(tmp_path),
                    'transport_url': rabbit_vhost.transport_url},
        'database': {'connection': cloudlib.mariadb_url('nova_core')}})
    result = subprocess.run(
        [cloudlib.console_script('nova-core-compute'), '--config-file',
         conf], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert '[database]' in result.stderr + result.stdout
    assert 'refusing to start' in result.stderr + result.stdout


# --- the API over the separate services --------------------------------

def test_services_are_up(mp_cloud):
    services = mp_cloud.services()
    by_host = {(s['binary'], s['host']): s for s in services}
    for host in ('conductor-1', 'conductor-2'):
        assert by_host[('nova-conductor', host)]['state'] == 'up'
    compute = by_host[('nova-compute', 'compute-1')]
    assert (compute['state'], compute['status'], compute['zone']) == \
        ('up', 'enabled', 'nova')
    assert mp_cloud.get('/os-services').status_code == 403


def test_image_upload(mp_cloud, image_id):
    image = mp_cloud.session.get(
        '%s/images/%s' % (mp_cloud.image_endpoint, image_id),
        headers={'X-Auth-Token': cloudlib.DEMO}, timeout=30)
    assert image.status_code == 200
    assert (image.json()['status'], image.json()['size']) == \
        ('active', len(IMAGE_BYTES))
    data = mp_cloud.session.get(
        '%s/images/%s/file' % (mp_cloud.image_endpoint, image_id),
        headers={'X-Auth-Token': cloudlib.DEMO}, timeout=30)
    assert data.content == IMAGE_BYTES


def _ids(response, key='servers'):
    assert response.status_code == 200, response.text
    return [s['id'] for s in response.json()[key]]


def test_boot_list_show_delete(mp_cloud, image_id, db_engine):
    names = ['mp-%d' % i for i in range(5)]
    ids = [mp_cloud.boot(name, image_id) for name in names]
    assert len(set(ids)) == 5
    mp_cloud.wait_status(ids, 'ACTIVE', timeout=60)

    listed = mp_cloud.get('/servers')
    assert sorted(_ids(listed)) == sorted(ids)
    assert {s['name'] for s in listed.json()['servers']} == set(names)
    detail = mp_cloud.get('/servers/detail').json()['servers']
    assert sorted(s['id'] for s in detail) == sorted(ids)
    for server in detail:
        assert server['status'] == 'ACTIVE'
        assert server['image']['id'] == image_id
        assert server['flavor']['original_name'] == 'm1.tiny'
        assert server['tenant_id'] == 'demo'

    # Pages of two, by marker, give the full list in the same order.
    full = _ids(mp_cloud.get('/servers/detail'))
    paged, marker = [], None
    for _ in range(10):
        params = {'limit': 2}
        if marker:
            params['marker'] = marker
        page = mp_cloud.get('/servers/detail', params=params)
        page_ids = _ids(page)
        paged += page_ids
        links = page.json().get('servers_links', [])
        if len(page_ids) < 2:
            assert links == []
            break
        assert links and links[0]['rel'] == 'next'
        assert 'marker=%s' % page_ids[-1] in links[0]['href']
        marker = page_ids[-1]
    assert paged == full
    assert mp_cloud.get('/servers', params={
        'marker': 'no-such-marker'}).status_code == 400

    one = mp_cloud.get('/servers/%s' % ids[0])
    assert one.status_code == 200
    server = one.json()['server']
    assert (server['id'], server['name'], server['status']) == \
        (ids[0], names[0], 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == 1
    admin_view = mp_cloud.get('/servers/%s' % ids[0],
                              token=cloudlib.ADMIN).json()['server']
    assert admin_view['OS-EXT-SRV-ATTR:host'] == 'compute-1'

    # Another project neither sees nor touches them.
    other = 'other:other'
    assert mp_cloud.get('/servers/%s' % ids[0], token=other).status_code \
        == 404
    assert mp_cloud.request('DELETE', '/servers/%s' % ids[0],
                            token=other).status_code == 404
    assert _ids(mp_cloud.get('/servers', token=other)) == []

    with db_engine.connect() as conn:
        used = conn.execute(sa.text(
            "SELECT memory_mb_used, running_vms FROM compute_nodes "
            "WHERE host = 'compute-1' AND deleted = 0")).one()
    assert tuple(used) == (5 * 512, 5)

    for server_id in ids:
        response = mp_cloud.request('DELETE', '/servers/%s' % server_id)
        assert response.status_code == 204, response.text
    mp_cloud.wait_gone(ids, timeout=60)
    assert _ids(mp_cloud.get('/servers')) == []
    with db_engine.connect() as conn:
        used = conn.execute(sa.text(
            "SELECT memory_mb_used, running_vms FROM compute_nodes "
            "WHERE host = 'compute-1' AND deleted = 0")).one()
    assert tuple(used) == (0, 0)


def _schedulers(engine):
    """Which conductor hosts scheduled builds so far."""
    with engine.connect() as conn:
        return set(conn.execute(sa.text(
            "SELECT DISTINCT host FROM instance_actions_events WHERE event = "
            "'conductor_schedule_and_build_instances'")).scalars())


def test_conductors_share_work_and_survive_one_crash(mp_cloud, image_id,
                                                     db_engine):
    # Twelve servers: more than the default quota of ten instances.
    response = mp_cloud.request('PUT', '/os-quota-sets/demo',
                                token=cloudlib.ADMIN,
                                json={'quota_set': {'instances': 20}})
    assert response.status_code == 200, response.text
    first = [mp_cloud.boot('share-%d' % i, image_id) for i in range(6)]
    mp_cloud.wait_status(first, 'ACTIVE', timeout=60)
    # Both conductors consume the one topic: both scheduled builds.
    assert _schedulers(db_engine) == {'conductor-1', 'conductor-2'}

    survivor, victim = mp_cloud.conductors
    victim.kill()
    assert victim.popen.returncode == -9
    second = [mp_cloud.boot('after-crash-%d' % i, image_id)
              for i in range(6)]
    mp_cloud.wait_status(second, 'ACTIVE', timeout=60)
    assert survivor.alive()
    assert mp_cloud.computes[0].alive()
    # The compute node's heartbeats go on through the survivor.
    mp_cloud.wait_services_up(timeout=30, hosts=['compute-1',
                                                 'conductor-1'])

    for server_id in first + second:
        response = mp_cloud.request('DELETE', '/servers/%s' % server_id)
        assert response.status_code == 204, response.text
    mp_cloud.wait_gone(first + second, timeout=60)

