"""The ``migrate`` action (cold migration) between two fake compute hosts
in one process, confirmed or reverted as a resize, and what Nova refuses."""
import time

import pytest

from nova_core.conf import CONF
from nova_core.db import instances as db_instances
from nova_core.db import moves
from tests.fixtures.client import fault
from tests.functional.moves.helpers import HOST, SECOND, bad_request, boot


def _migrate(admin, server_id, body=None, version='2.100'):
    return admin.as_user(version=version).post(
        '/servers/%s/action' % server_id, json={'migrate': body})


def _migrated(admin, api, image_id, booted, body=None):
    server_id = boot(api, image_id, name='cold')
    booted.append(server_id)
    source = admin.server(server_id)[HOST]
    resp = _migrate(admin, server_id, body)
    assert resp.status_code == 202, resp.text
    api.wait_for(server_id, 'VERIFY_RESIZE')
    return server_id, source


@pytest.mark.parametrize('confirm', [True, False])
def test_migrate_then_confirm_or_revert(two_hosts, admin, api, image_id,
                                        confirm):
    server_id, source = _migrated(admin, api, image_id, two_hosts.booted)
    dest = admin.server(server_id)[HOST]
    assert dest != source and {source, dest} == {CONF.host, SECOND}
    (listed,) = admin.get('/os-migrations', params={
        'instance_uuid': server_id}).json()['migrations']
    assert (listed['migration_type'], listed['status'],
            listed['source_compute'], listed['dest_compute']) == (
        'migration', 'finished', source, dest)
    assert listed['old_instance_type_id'] == listed['new_instance_type_id']
    action = 'confirmResize' if confirm else 'revertResize'
    resp = api.post('/servers/%s/action' % server_id, json={action: None})
    assert resp.status_code in (202, 204), resp.text
    api.wait_for(server_id, 'ACTIVE')
    assert admin.server(server_id)[HOST] == (dest if confirm else source)
    (done,) = moves.get_all_by_instance(server_id)
    assert done['status'] == ('confirmed' if confirm else 'reverted')


def test_migrate_to_a_named_host(two_hosts, admin, api, image_id):
    server_id = boot(api, image_id, name='cold-named')
    two_hosts.booted.append(server_id)
    source = admin.server(server_id)[HOST]
    other = SECOND if source == CONF.host else CONF.host
    bad_request(_migrate(admin, server_id, {'host': source}),
                'Cannot migrate to the host where the server exists.')
    bad_request(_migrate(admin, server_id, {'host': 'nohost'}),
                'Compute host nohost could not be found.')
    resp = _migrate(admin, server_id, {'host': other}, version='2.55')
    assert resp.status_code == 400, resp.text
    assert api.server(server_id)['status'] == 'ACTIVE'
    assert moves.get_all_by_instance(server_id) == []
    resp = _migrate(admin, server_id, {'host': other}, version='2.56')
    assert resp.status_code == 202, resp.text
    api.wait_for(server_id, 'VERIFY_RESIZE')
    assert admin.server(server_id)[HOST] == other


def test_no_other_host_leaves_the_server_active(admin, api, image_id):
    """The functional cloud alone has one host: 202, then the server is
    ACTIVE again on its host with a fault, as Nova leaves it."""
    server_id = boot(api, image_id, name='cold-alone')
    try:
        assert _migrate(admin, server_id).status_code == 202
        (migration,) = _wait_status(server_id, 'error')
        assert migration['migration_type'] == 'migration'
        server = admin.server(server_id)
        assert server['status'] == 'ACTIVE' and server[HOST] == CONF.host
        # Nova shows a fault only in ERROR; it is recorded all the same.
        assert 'fault' not in server
        fault_row = db_instances.faults_latest([server_id])[server_id]
        assert fault_row['message'].startswith('No valid host')
    finally:
        api.delete('/servers/%s' % server_id)


def _wait_status(server_id, status, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        found = moves.get_all_by_instance(server_id)
        if found and found[-1]['status'] == status:
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


@pytest.mark.parametrize('body', [{'host': ''}, {'host': 'a b'}, {'x': 1},
                                  'host', 1])
def test_bad_bodies(admin, api, image_id, body):
    server_id = boot(api, image_id, name='cold-bad')
    try:
        resp = _migrate(admin, server_id, body)
        assert resp.status_code == 400, resp.text
        assert moves.get_all_by_instance(server_id) == []
    finally:
        api.delete('/servers/%s' % server_id)


def test_admin_only(api, image_id):
    server_id = boot(api, image_id, name='cold-user')
    try:
        resp = api.post('/servers/%s/action' % server_id,
                        json={'migrate': None})
        assert fault(resp) == ('forbidden', 403, "Policy doesn't allow "
                               "os_compute_api:os-migrate-server:migrate to "
                               "be performed.")
    finally:
        api.delete('/servers/%s' % server_id)
