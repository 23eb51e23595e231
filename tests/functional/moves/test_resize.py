"""resize, confirmResize and revertResize through the API, the conductor
(scheduling and claims), compute and the fake driver."""
import time

import pytest

from nova_core.db import moves
from nova_core.db import services as db_services
from tests.fixtures.client import Client, fault
from tests.functional.moves.helpers import (
    bad_request,
    boot,
    conflict,
    wait_events,
)


def _node():
    nodes = db_services.node_get_all()
    assert len(nodes) == 1
    return nodes[0]


def _used(node):
    return (node['vcpus_used'], node['memory_mb_used'],
            node['local_gb_used'])


def _assert_claims_consistent():
    """The node's counters are the sum of the claims of its instances and
    of the migrations under way (as Placement's allocations), read in one
    transaction so that concurrent deletes cannot skew them."""
    from nova_core.db import instances as db_instances
    from nova_core.db.session import reader
    with reader():
        node = _node()
        total = [0, 0, 0]
        for inst in db_instances.get_all({'host': node['host']}):
            for i, value in enumerate((inst['vcpus'], inst['memory_mb'],
                                       inst['root_gb'] +
                                       inst['ephemeral_gb'])):
                total[i] += value
            migration = moves.get_in_progress(inst['uuid'])
            if migration is not None and migration['dest_compute']:
                flavor = migration['new_flavor' if migration['status'] in
                                   moves.BEFORE_FINISH else 'old_flavor']
                for i, key in enumerate(('vcpus', 'memory_mb', 'root_gb')):
                    total[i] += flavor[key]
    assert _used(node) == tuple(total)


def _held(server):
    """The resources one server's claims add up to."""
    from nova_core.db import instances as db_instances
    inst = db_instances.get(server)
    held = [inst['vcpus'], inst['memory_mb'], inst['root_gb']]
    migration = moves.get_in_progress(server)
    if migration is not None:
        for i, key in enumerate(('vcpus', 'memory_mb', 'root_gb')):
            held[i] += migration['old_flavor'][key]
    return tuple(held)


def _resize(api, server, flavor='2'):
    response = api.action(server, {'resize': {'flavorRef': flavor}})
    assert response.status_code == 202, response.text
    return api.wait_for(server, 'VERIFY_RESIZE')


def test_resize_confirm(api, server, same_host):
    assert _held(server) == (1, 512, 1)
    shown = _resize(api, server)
    assert shown['flavor']['original_name'] == 'm1.small'
    assert shown['OS-EXT-STS:vm_state'] == 'resized'
    # Both flavors are claimed until the resize is confirmed.
    assert _held(server) == (2, 512 + 2048, 21)
    _assert_claims_consistent()
    (migration,) = moves.get_all_by_instance(server)
    assert migration['status'] == 'finished'
    assert api.action(server, {'confirmResize': None}).status_code == 204
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.small'
    assert _held(server) == (1, 2048, 20)
    _assert_claims_consistent()
    assert moves.get(migration['id'])['status'] == 'confirmed'
    assert wait_events(server, 'resize', 3) == [
        ('conductor_migrate_server', 'Success'),
        ('compute_resize_instance', 'Success'),
        ('compute_finish_resize', 'Success')]
    assert wait_events(server, 'confirmResize', 1) == [
        ('compute_confirm_resize', 'Success')]


def test_resize_revert(api, server, same_host):
    _resize(api, server)
    assert api.action(server, {'revertResize': None}).status_code == 202
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _held(server) == (1, 512, 1)
    _assert_claims_consistent()
    (migration,) = moves.get_all_by_instance(server)
    assert migration['status'] == 'reverted'
    assert wait_events(server, 'revertResize', 2) == [
        ('compute_revert_resize', 'Success'),
        ('compute_finish_revert_resize', 'Success')]


def test_resize_of_stopped_server_stays_stopped(api, server, same_host):
    api.action(server, {'os-stop': None})
    api.wait_for(server, 'SHUTOFF')
    assert _resize(api, server)['OS-EXT-STS:power_state'] == 4
    api.action(server, {'confirmResize': None})
    assert api.wait_for(server, 'SHUTOFF')['flavor']['original_name'] == \
        'm1.small'


def test_delete_of_resized_server_gives_back_both_claims(api, image_id,
                                                         same_host):
    server = boot(api, image_id)
    _resize(api, server)
    api.delete('/servers/%s' % server)
    api.wait_gone(server)
    _assert_claims_consistent()
    assert moves.get_all_by_instance(server)[0]['status'] == 'error'


def test_resize_without_other_host_is_no_valid_host(api, server, conf):
    # Nova's default; nova-core-all turns it on (it has one host).
    conf.config(allow_resize_to_same_host=False)
    response = api.action(server, {'resize': {'flavorRef': '2'}})
    assert response.status_code == 202
    wait_events(server, 'resize', 1)
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert 'fault' not in shown
    ((event, result),) = wait_events(server, 'resize', 1)
    assert (event, result) == ('conductor_migrate_server', 'Error')
    (migration,) = moves.get_all_by_instance(server)
    assert migration['status'] == 'error'


@pytest.mark.parametrize('flavor,message', [
    ('1', 'When resizing, instances must change flavor!'),
    ('no-such-flavor', 'Unable to locate requested flavor.'),
])
def test_resize_bad_flavor(api, server, flavor, message):
    bad_request(api.action(server, {'resize': {'flavorRef': flavor}}),
                 message)


def test_resize_down_disk_is_400(api, image_id, same_host):
    server = boot(api, image_id, flavor='2')
    bad_request(api.action(server, {'resize': {'flavorRef': '1'}}),
                 'Server disk was unable to be resized because: Unable to '
                 'resize disk down.')
    api.delete('/servers/%s' % server)


@pytest.mark.parametrize('body', [
    {'resize': {}}, {'resize': {'flavorRef': '2', 'extra': 1}},
    {'resize': {'flavorRef': '2', 'OS-DCF:diskConfig': 'SOMETIMES'}},
    {'confirmResize': {'x': 1}}, {'revertResize': 'now'},
    {'createImage': {}}, {'createImage': {'name': 'x', 'metadata': 'y'}},
    {'createImage': {'name': ' padded '}},
])
def test_malformed_bodies_are_400(api, server, body):
    response = api.action(server, body)
    assert response.status_code == 400, response.text
    assert api.server(server)['OS-EXT-STS:task_state'] is None


def test_resize_actions_from_wrong_states_are_409(api, server):
    for action, name in (('confirmResize', 'confirm_resize'),
                         ('revertResize', 'revert_resize')):
        conflict(api.action(server, {action: None}), name, server,
                  'vm_state', 'active')
    api.action(server, {'pause': None})
    api.wait_for(server, 'PAUSED')
    conflict(api.action(server, {'resize': {'flavorRef': '2'}}), 'resize',
              server, 'vm_state', 'paused')


def test_confirm_twice_and_revert_after_confirm(api, server, same_host):
    _resize(api, server)
    assert api.action(server, {'confirmResize': None}).status_code == 204
    second = api.action(server, {'revertResize': None})
    assert second.status_code in (400, 409), second.text
    api.wait_for(server, 'ACTIVE')


def test_resize_over_quota_is_403(api, admin, image_id, same_host):
    project = 'resize-quota'
    user = Client(api.endpoint, token='demo:%s' % project)
    response = admin.put('/os-quota-sets/%s' % project,
                         json={'quota_set': {'cores': 1}})
    if response.status_code == 404:
        pytest.skip('os-quota-sets not served yet')
    server = boot(user, image_id)
    response = user.action(server, {'resize': {'flavorRef': '3'}})
    assert response.status_code == 403, response.text
    assert 'Quota exceeded for cores' in fault(response)[2]
    user.delete('/servers/%s' % server)


def test_resize_confirm_window(api, server, same_host, conf, cloud):
    conf.config(resize_confirm_window=1)
    _resize(api, server)
    time.sleep(1.1)
    manager = cloud.services[0].manager
    from nova_core import context
    assert manager.confirm_old_resizes(context.get_admin_context()) == 1
    assert api.wait_for(server, 'ACTIVE')['flavor']['original_name'] == \
        'm1.small'



def test_resize_to_private_flavor_needs_access(api, admin, server,
                                               same_host):
    created = admin.post('/flavors', json={'flavor': {
        'name': 'private-resize', 'ram': 1024, 'vcpus': 1, 'disk': 1,
        'os-flavor-access:is_public': False}})
    assert created.status_code == 200, created.text
    flavor_id = created.json()['flavor']['id']
    try:
        bad_request(api.action(server, {'resize': {'flavorRef': flavor_id}}),
                     'Unable to locate requested flavor.')
        assert api.server(server)['status'] == 'ACTIVE'
        admin.post('/flavors/%s/action' % flavor_id, json={
            'addTenantAccess': {'tenant': 'demo'}})
        response = api.action(server, {'resize': {'flavorRef': flavor_id}})
        assert response.status_code == 202, response.text
        api.wait_for(server, 'VERIFY_RESIZE')
        assert api.action(server, {'revertResize': None}).status_code == 202
        api.wait_for(server, 'ACTIVE')
    finally:
        admin.delete('/flavors/%s' % flavor_id)
