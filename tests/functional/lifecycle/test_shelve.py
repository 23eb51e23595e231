"""shelve, shelveOffload and unshelve: the image, the states, the freed
claim and the placement again, as Nova's."""
import time

import pytest

from nova_core.db import images as db_images
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services
from tests.fixtures.client import fault
from tests.functional.moves.helpers import (
    bad_request,
    boot,
    conflict,
    wait_events,
)


def _shelve(api, server_id, status='SHELVED_OFFLOADED'):
    response = api.action(server_id, {'shelve': None})
    assert response.status_code == 202, response.text
    return api.wait_for(server_id, status)


def _shelved_image(server_id):
    return db_instances.get(server_id)['system_metadata'].get(
        'shelved_image_id')


def test_shelve_offloads_at_once_and_unshelve_boots_again(api, server):
    before = db_instances.get(server)
    shelved = _shelve(api, server)
    assert shelved['OS-EXT-STS:power_state'] == 0
    assert db_instances.get(server)['host'] is None
    image = db_images.get(_shelved_image(server))
    assert (image['name'], image['status'],
            image['properties']['image_type']) == (
        'life-shelved', 'active', 'snapshot')
    assert db_instances.get(server)['node'] is None
    assert wait_events(server, 'shelve', 1) == [
        ('compute_shelve_instance', 'Success')]
    response = api.action(server, {'unshelve': None})
    assert response.status_code == 202, response.text
    active = api.wait_for(server, 'ACTIVE')
    assert db_instances.get(server)['host'] == before['host']
    assert active['OS-EXT-STS:power_state'] == 1
    assert wait_events(server, 'unshelve', 2) == [
        ('conductor_unshelve_instance', 'Success'),
        ('compute_unshelve_instance', 'Success')]
    # The shelve image is deleted, the shelve keys dropped.
    metadata = db_instances.get(server)['system_metadata']
    assert not {'shelved_at', 'shelved_image_id', 'shelved_host'} & set(
        metadata)
    with pytest.raises(Exception, match='could not be found'):
        db_images.get(image['id'])


def test_shelve_kept_then_offload_frees_the_claim(api, admin, server,
                                                  conf):
    conf.config(shelved_offload_time=-1)
    used = _memory_used(admin)
    _shelve(api, server, 'SHELVED')
    assert db_instances.get(server)['host'] is not None
    assert _memory_used(admin) == used
    # shelveOffload is an admin's by default, as Nova's.
    response = api.action(server, {'shelveOffload': None})
    assert response.status_code == 403, response.text
    response = admin.action(server, {'shelveOffload': None})
    assert response.status_code == 202, response.text
    admin.wait_for(server, 'SHELVED_OFFLOADED')
    assert _memory_used(admin) == used - 512
    assert wait_events(server, 'shelveOffload', 1) == [
        ('compute_shelve_offload_instance', 'Success')]


def test_unshelve_of_a_shelved_server_powers_it_on_where_it_is(api, server,
                                                               conf):
    conf.config(shelved_offload_time=-1)
    _shelve(api, server, 'SHELVED')
    image_id = _shelved_image(server)
    assert api.action(server, {'unshelve': None}).status_code == 202
    api.wait_for(server, 'ACTIVE')
    assert wait_events(server, 'unshelve', 1) == [
        ('compute_unshelve_instance', 'Success')]
    with pytest.raises(Exception, match='could not be found'):
        db_images.get(image_id)


def _memory_used(admin):
    return db_services.nodes_for_scheduling()[0]['memory_mb_used']


def _free_ram():
    node = db_services.nodes_for_scheduling()[0]
    return int((node['memory_mb'] - node['reserved_memory_mb']) *
               node['ram_allocation_ratio'] - node['memory_mb_used'])


def test_offloaded_server_leaves_room_for_another(api, admin, image_id):
    """A flavor one MB bigger than the host's free RAM fits only once the
    shelved server gave its RAM back; then the shelved server has no room
    to come back to until that one is gone."""
    assert admin.put('/os-quota-sets/demo', json={'quota_set': {
        'ram': -1}}).status_code == 200
    servers = [boot(api, image_id, name='room-a')]
    flavor = admin.post('/flavors', json={'flavor': {
        'name': 'room-filler', 'ram': _free_ram() + 1, 'vcpus': 1,
        'disk': 0}}).json()['flavor']['id']
    try:
        servers.append(api.boot('room-b', flavor=flavor,
                                image=image_id)['id'])
        assert 'No valid host' in api.wait_for(
            servers[-1], 'ERROR')['fault']['message']
        _shelve(api, servers[0])
        servers.append(boot(api, image_id, name='room-c', flavor=flavor))
        assert api.action(servers[0], {'unshelve': None}).status_code == 202
        api.wait_for(servers[0], 'SHELVED_OFFLOADED')
        assert 'No valid host' in db_instances.faults_latest(
            [servers[0]])[servers[0]]['message']
        assert wait_events(servers[0], 'unshelve', 1) == [
            ('conductor_unshelve_instance', 'Error')]
        api.delete('/servers/%s' % servers[-1])
        api.wait_gone(servers[-1])
        assert api.action(servers[0], {'unshelve': None}).status_code == 202
        api.wait_for(servers[0], 'ACTIVE')
    finally:
        for server_id in servers:
            api.delete('/servers/%s' % server_id)
            api.wait_gone(server_id)
        admin.delete('/flavors/%s' % flavor)
        admin.delete('/os-quota-sets/demo')


@pytest.mark.parametrize('action,status,attr,state', [
    ('shelveOffload', 'ACTIVE', 'vm_state', 'active'),
    ('unshelve', 'ACTIVE', 'vm_state', 'active'),
])
def test_wrong_states_409(api, admin, server, action, status, attr, state):
    response = admin.action(server, {action: None})
    conflict(response, action, server, attr, state)


def test_shelve_twice_409_and_shelve_while_paused(api, server):
    assert api.action(server, {'pause': None}).status_code == 202
    api.wait_for(server, 'PAUSED')
    _shelve(api, server)
    conflict(api.action(server, {'shelve': None}), 'shelve', server,
             'vm_state', 'shelved_offloaded')


def test_locked_server_refuses_shelve(api, admin, server):
    assert admin.action(server, {'lock': None}).status_code == 202
    response = api.action(server, {'shelve': None})
    assert response.status_code == 409
    assert 'locked' in fault(response)[2]
    assert admin.action(server, {'unlock': None}).status_code == 202


@pytest.mark.parametrize('version,body', [
    ('2.77', {'unshelve': {}}),
    ('2.77', {'unshelve': {'host': 'x'}}),
    ('2.77', {'unshelve': {'availability_zone': 1}}),
    ('2.91', {'unshelve': {'foo': 'bar'}}),
    ('2.91', {'unshelve': {'host': 1}}),
    ('2.1', {'shelve': {'x': 1}}),
    ('2.1', {'shelveOffload': 'x'}),
])
def test_bad_bodies_400(api, server, version, body):
    response = api.as_user(version=version).action(server, body)
    assert response.status_code == 400, response.text


def test_unshelve_zone_and_host(api, admin, server):
    _shelve(api, server)
    bad_request(api.as_user(version='2.77').action(server, {'unshelve': {
        'availability_zone': 'nowhere'}}),
        'The requested availability zone is not available')
    response = api.as_user(version='2.91').action(server, {'unshelve': {
        'host': 'nohost'}})
    assert response.status_code == 403, response.text
    bad_request(admin.as_user(version='2.91').action(server, {'unshelve': {
        'host': 'nohost'}}), 'Compute host nohost could not be found.')
    host = db_instances.get(server)['system_metadata']['shelved_host']
    response = admin.as_user(version='2.91').action(server, {'unshelve': {
        'host': host, 'availability_zone': None}})
    assert response.status_code == 202, response.text
    assert admin.wait_for(server, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == host


def test_zone_for_a_shelved_server_is_409(api, server, conf):
    conf.config(shelved_offload_time=-1)
    _shelve(api, server, 'SHELVED')
    response = api.as_user(version='2.77').action(server, {'unshelve': {
        'availability_zone': 'nova'}})
    assert response.status_code == 409, response.text
    assert 'must be SHELVED_OFFLOADED' in fault(response)[2]


def test_unshelve_without_its_image_stays_offloaded(api, server):
    _shelve(api, server)
    db_images.destroy(_shelved_image(server))
    assert api.action(server, {'unshelve': None}).status_code == 202
    api.wait_for(server, 'SHELVED_OFFLOADED')
    assert 'cannot be found' in db_instances.faults_latest([server])[
        server]['message']


def test_delete_offloaded_server(api, image_id):
    server_id = boot(api, image_id, name='gone')
    _shelve(api, server_id)
    shelve_image = _shelved_image(server_id)
    assert api.delete('/servers/%s' % server_id).status_code == 204
    api.wait_gone(server_id)
    # As Nova's, the shelve image goes with the server.
    with pytest.raises(Exception, match='could not be found'):
        db_images.get(shelve_image)


def test_periodic_offload_after_shelved_offload_time(api, server, cloud,
                                                     conf):
    """Nova's _poll_shelved_instances: only what was shelved at least
    shelved_offload_time seconds ago is offloaded."""
    from nova_core import context
    conf.config(shelved_offload_time=3600)
    _shelve(api, server, 'SHELVED')
    manager = cloud.services[1].manager
    ctxt = context.get_admin_context()
    assert manager.poll_shelved_instances(ctxt) == 0
    conf.config(shelved_offload_time=1)
    time.sleep(1.1)
    assert manager.poll_shelved_instances(ctxt) == 1
    api.wait_for(server, 'SHELVED_OFFLOADED')
    assert db_instances.get(server)['host'] is None


def test_failed_shelve_deletes_its_image_and_clears_the_task(api, server,
                                                             conf):
    conf.config(fail_operations=['snapshot'], fail_instance_names='^life$',
                group='fake')
    before = {i['id'] for i in db_images.get_all()}
    assert api.action(server, {'shelve': None}).status_code == 202
    assert wait_events(server, 'shelve', 1) == [
        ('compute_shelve_instance', 'Error')]
    shown = api.wait_for(server, 'ACTIVE', 'SHUTOFF')
    assert shown['OS-EXT-STS:task_state'] is None
    assert {i['id'] for i in db_images.get_all()} == before
    assert 'told to fail snapshot' in db_instances.faults_latest([server])[
        server]['message']


def test_unshelved_guest_is_plugged_into_its_networks_again(api, image_id,
                                                            cloud):
    """The offloaded guest is gone with its interfaces; the one unshelve
    boots has them again (found by the real-QEMU test: the record the
    compute host read back before spawning had lost them)."""
    (compute,) = [s.manager for s in cloud.services
                  if s.manager.__class__.__name__ == 'ComputeManager']
    server = api.boot('life-net', image=image_id, networks='auto')['id']
    api.wait_for(server, 'ACTIVE')
    (vif,) = api.server(server)['addresses']['private']
    mac = vif['OS-EXT-IPS-MAC:mac_addr']

    def macs():
        return [n['mac'] for n in compute.driver.guest(server)['interfaces']]
    assert macs() == [mac]
    _shelve(api, server)
    response = api.action(server, {'unshelve': None})
    assert response.status_code == 202, response.text
    api.wait_for(server, 'ACTIVE')
    assert macs() == [mac]
    api.delete('/servers/%s' % server)
    api.wait_gone(server)


def test_unshelve_of_a_kept_guest_sends_its_ports(api, image_id, cloud,
                                                  conf, monkeypatch):
    """Unshelving a SHELVED server powers its guest on where it is; one
    its hypervisor lost meanwhile is made again, so the instance goes
    with its network_info."""
    conf.config(shelved_offload_time=-1)
    (compute,) = [s.manager for s in cloud.services
                  if s.manager.__class__.__name__ == 'ComputeManager']
    server = api.boot('life-kept', image=image_id, networks='auto')['id']
    api.wait_for(server, 'ACTIVE')
    (vif,) = api.server(server)['addresses']['private']
    _shelve(api, server, 'SHELVED')
    seen = []
    real = compute.driver.power_on

    def power_on(context, instance):
        seen.append([v['mac'] for v in instance.get('network_info') or ()])
        return real(context, instance)
    monkeypatch.setattr(compute.driver, 'power_on', power_on)
    response = api.action(server, {'unshelve': None})
    assert response.status_code == 202, response.text
    api.wait_for(server, 'ACTIVE')
    assert seen == [[vif['OS-EXT-IPS-MAC:mac_addr']]]
    api.delete('/servers/%s' % server)
    api.wait_gone(server)
