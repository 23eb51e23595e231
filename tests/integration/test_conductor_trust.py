"""A conductor that trusts no compute node, on RabbitMQ and MariaDB.

One conductor, two compute nodes and the API as separate processes, each
compute node holding only its own key. A rogue process with compute-2's
configuration tries to change compute-1's instance, services and
resources, forges compute-1's signature and replays a message: every call
is refused and logged by the conductor, and the database is unchanged.
Boot, resize and delete work end to end with every call signed.
"""
import json
import subprocess
import sys

import pytest
import requests
import sqlalchemy as sa

from tests.integration import cloud as cloudlib


@pytest.fixture(scope='module')
def trust_cloud(rabbit_vhost, mariadb_module_url, tmp_path_factory):
    cloud = cloudlib.MultiProcessCloud(
        str(tmp_path_factory.mktemp('trust')), rabbit_vhost.transport_url,
        mariadb_module_url, conductors=1, computes=2)
    try:
        cloud.start(timeout=90)
    except (RuntimeError, TimeoutError, requests.RequestException) as exc:
        cloud.stop()
        pytest.fail('the cloud did not start: %s\n%s' % (exc, cloud.logs()),
                    pytrace=False)
    yield cloud
    cloud.stop()


@pytest.fixture(scope='module')
def image_id(trust_cloud):
    return trust_cloud.upload_image(b'trust' * 1000)


@pytest.fixture(scope='module')
def db(mariadb_module_url):
    engine = sa.create_engine(mariadb_module_url)
    yield engine
    engine.dispose()


#: The columns a rogue compute would like to change (heartbeats and
#: resource reports of the honest services change the others meanwhile).
WATCHED = {
    'instances': '*',
    'services': 'id, host, `binary`, topic, availability_zone, disabled, '
                'deleted',
    'compute_nodes': 'id, host, hypervisor_hostname, vcpus, memory_mb, '
                     'local_gb, cpu_allocation_ratio, deleted',
    'instance_faults': '*',
    'instance_actions_events': '*',
}


def _snapshot(db):
    with db.connect() as conn:
        return {table: sorted(tuple(r) for r in conn.execute(sa.text(
            'SELECT %s FROM %s' % (columns, table))))
            for table, columns in WATCHED.items()}


def _server_on(cloud, image_id, host, name):
    """Boot servers until one lands on ``host`` (the scheduler spreads)."""
    booted = []
    for i in range(6):
        server = cloud.boot('%s-%d' % (name, i), image_id)
        cloud.wait_status([server])
        booted.append(server)
        details = cloud.get('/servers/%s' % server, token=cloudlib.ADMIN)
        if details.json()['server']['OS-EXT-SRV-ATTR:host'] == host:
            return server, booted
    raise AssertionError('no server landed on %s' % host)


def test_rogue_compute_is_refused_and_changes_nothing(trust_cloud, image_id,
                                                      db):
    victim, booted = _server_on(trust_cloud, image_id, 'compute-1', 'vic')
    before = _snapshot(db)
    rogue = trust_cloud.computes[1]
    result = subprocess.run(
        [sys.executable, '-m', 'tests.integration.rogue_compute',
         '--config-file', rogue.config_file, 'compute-1', victim],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    unverified = {'forged signature', 'replayed message'}
    assert answers == {name: ('CallerNotVerified' if name in unverified
                              else 'CallerNotAuthorized')
                       for name in answers}, answers
    assert len(answers) == 11
    assert _snapshot(db) == before
    log = trust_cloud.conductors[0].log()
    assert 'Refused instance_update from compute host compute-2 (instance ' \
        '%s): instance is on host compute-1' % victim in log
    assert 'instance_update may not set project_id' in log
    assert 'Refused service_heartbeat from compute host compute-2: host ' \
        '\'compute-1\' is not the calling host' in log
    assert 'Refused unverified call service_heartbeat claiming host ' \
        'compute-1: bad signature' in log
    assert 'claiming host compute-2: replayed message' in log
    for server in booted:
        trust_cloud.request('DELETE', '/servers/%s' % server)
    trust_cloud.wait_gone(booted)


def test_boot_resize_delete_with_signed_calls(trust_cloud, image_id):
    cloud = trust_cloud
    server = cloud.boot('signed', image_id)
    cloud.wait_status([server])
    before = cloud.get('/servers/%s' % server, token=cloudlib.ADMIN).json()
    response = cloud.request('POST', '/servers/%s/action' % server,
                             json={'resize': {'flavorRef': '2'}})
    assert response.status_code == 202, response.text
    cloud.wait_status([server], 'VERIFY_RESIZE')
    moved = cloud.get('/servers/%s' % server, token=cloudlib.ADMIN).json()
    assert moved['server']['OS-EXT-SRV-ATTR:host'] != \
        before['server']['OS-EXT-SRV-ATTR:host']
    response = cloud.request('POST', '/servers/%s/action' % server,
                             json={'confirmResize': None})
    assert response.status_code == 204, response.text
    cloud.wait_status([server])
    cloud.request('DELETE', '/servers/%s' % server)
    cloud.wait_gone([server])
    refused = [line for line in cloud.conductors[0].log().splitlines()
               if 'Refused' in line and server in line]
    assert not refused
