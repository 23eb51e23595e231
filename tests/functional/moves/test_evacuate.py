"""``evacuate`` from a dead fake compute host to the other one, and the
dead host's clean-up when its compute starts again."""
import os

import pytest

from nova_core.conf import CONF
from nova_core.db import moves
from nova_core.db import services as db_services
from tests.fixtures.client import fault
from tests.functional.moves.helpers import (
    HOST,
    SECOND,
    bad_request,
    boot,
    boot_on,
    wait_events,
    wait_migration,
)


def _evacuate(admin, server_id, body, version='2.100'):
    return admin.as_user(version=version).post(
        '/servers/%s/action' % server_id, json={'evacuate': body})


def _usage():
    return {n['host']: (n['vcpus_used'], n['memory_mb_used'],
                        n['local_gb_used'], n['running_vms'])
            for n in db_services.node_get_all()}


def _guest_file(host, server_id):
    return os.path.join(CONF.state_path, 'fake-hypervisor', host,
                        server_id + '.json')


def test_evacuate_then_the_old_host_cleans_up(two_hosts, admin, image_id):
    server_id = boot_on(admin, image_id, two_hosts.booted, SECOND)
    assert os.path.exists(_guest_file(SECOND, server_id))
    two_hosts.stop()
    before = _usage()
    resp = _evacuate(admin, server_id, {})
    assert (resp.status_code, resp.text) == (200, '')
    (migration,) = wait_migration(server_id, 'done')
    # 2.95: the server ends stopped, on the other host.
    server = admin.wait_for(server_id, 'SHUTOFF')
    assert server[HOST] == CONF.host
    assert (migration['migration_type'], migration['source_compute'],
            migration['dest_compute']) == ('evacuation', SECOND, CONF.host)
    after = _usage()
    assert after[SECOND][3] == before[SECOND][3] - 1
    assert after[CONF.host][3] == before[CONF.host][3] + 1
    assert wait_events(server_id, 'evacuate', 2) == [
        ('conductor_rebuild_server', 'Success'),
        ('compute_rebuild_instance', 'Success')]
    (listed,) = admin.get('/os-migrations', params={
        'instance_uuid': server_id, 'migration_type': 'evacuation'}).json()[
        'migrations']
    assert listed['status'] == 'done'
    # The old host comes back: its guest goes, the evacuation completes.
    assert os.path.exists(_guest_file(SECOND, server_id))
    two_hosts.start()
    wait_migration(server_id, 'completed')
    assert not os.path.exists(_guest_file(SECOND, server_id))
    assert os.path.exists(_guest_file(CONF.host, server_id))
    assert admin.server(server_id)['status'] == 'SHUTOFF'


@pytest.mark.parametrize('version,body,status,password', [
    ('2.13', {'onSharedStorage': False}, 'ACTIVE', True),
    ('2.13', {'onSharedStorage': True}, 'ACTIVE', None),
    ('2.29', {'host': CONF.host, 'force': True}, 'ACTIVE', False),
    ('2.94', {'host': CONF.host}, 'ACTIVE', False),
])
def test_microversions(two_hosts, admin, image_id, version, body, status,
                       password):
    server_id = boot_on(admin, image_id, two_hosts.booted, SECOND)
    two_hosts.set_service(forced_down=True)
    resp = _evacuate(admin, server_id, body, version)
    assert resp.status_code == 200, resp.text
    if password is False:
        assert resp.text == ''
    elif password:
        assert isinstance(resp.json()['adminPass'], str)
    else:
        assert resp.json() == {'adminPass': None}
    wait_migration(server_id, 'done')
    assert admin.wait_for(server_id, status)[HOST] == CONF.host


def test_a_server_keeps_its_addresses(two_hosts, admin, image_id):
    server_id = boot_on(admin, image_id, two_hosts.booted, SECOND,
                        networks='auto')
    addresses = admin.server(server_id)['addresses']
    assert addresses
    two_hosts.set_service(forced_down=True)
    assert _evacuate(admin, server_id, {}, '2.94').status_code == 200
    wait_migration(server_id, 'done')
    server = admin.wait_for(server_id, 'ACTIVE')
    assert (server[HOST], server['addresses']) == (CONF.host, addresses)


def test_host_up_is_refused(admin, image_id):
    server_id = boot(admin, image_id, name='evac-up')
    try:
        bad_request(_evacuate(admin, server_id, {}),
                    'Compute service of %s is still in use.' % CONF.host)
        assert moves.get_all_by_instance(server_id) == []
        server = admin.server(server_id)
        assert (server['status'], server['OS-EXT-STS:task_state']) == (
            'ACTIVE', None)
    finally:
        admin.delete('/servers/%s' % server_id)


@pytest.mark.parametrize('version,body,code,message', [
    ('2.13', {}, 400, None),
    ('2.13', {'onSharedStorage': True, 'adminPass': 'x'}, 400,
     "admin password can't be changed on existing disk"),
    ('2.14', {'onSharedStorage': False}, 400, None),
    ('2.29', {'force': True}, 400,
     "Can't force to a non-provided destination"),
    ('2.68', {'host': SECOND, 'force': True}, 400, None),
    ('2.100', {'host': 'a b'}, 400, None),
    ('2.100', {'extra': 1}, 400, None),
    ('2.100', {'host': 'nohost'}, 404, 'Compute host nohost not found.'),
    ('2.100', {'host': CONF.host}, 400,
     "The target host can't be the same one."),
])
def test_bad_requests_change_nothing(admin, image_id, version, body, code,
                                     message):
    server_id = boot(admin, image_id, name='evac-bad')
    try:
        resp = _evacuate(admin, server_id, body, version)
        assert resp.status_code == code, resp.text
        if message:
            assert fault(resp)[2] == message
        assert moves.get_all_by_instance(server_id) == []
        assert admin.server(server_id)['OS-EXT-STS:task_state'] is None
    finally:
        admin.delete('/servers/%s' % server_id)


def test_paused_is_409(admin, image_id):
    server_id = boot(admin, image_id, name='evac-paused')
    try:
        assert admin.post('/servers/%s/action' % server_id,
                          json={'pause': None}).status_code == 202
        admin.wait_for(server_id, 'PAUSED')
        assert fault(_evacuate(admin, server_id, {})) == (
            'conflictingRequest', 409, "Cannot 'evacuate' instance %s while "
            "it is in vm_state paused" % server_id)
    finally:
        admin.delete('/servers/%s' % server_id)


def test_no_host_to_go_to(two_hosts, admin, image_id):
    server_id = boot_on(admin, image_id, two_hosts.booted, SECOND)
    two_hosts.set_service(forced_down=True)
    (main,) = db_services.get_all(binary='nova-compute', host=CONF.host)
    db_services.update(main['id'], {'disabled': True})
    try:
        before = _usage()
        assert _evacuate(admin, server_id, {}).status_code == 200
        wait_migration(server_id, 'error')
        server = admin.wait_for(server_id, 'ACTIVE')
        assert server[HOST] == SECOND
        assert _usage() == before
    finally:
        db_services.update(main['id'], {'disabled': False})


def test_admin_only(api, image_id):
    server_id = boot(api, image_id, name='evac-user')
    try:
        assert fault(api.post('/servers/%s/action' % server_id,
                              json={'evacuate': {}})) == (
            'forbidden', 403, "Policy doesn't allow os_compute_api:"
            "os-evacuate to be performed.")
    finally:
        api.delete('/servers/%s' % server_id)
