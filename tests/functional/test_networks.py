"""Every server gets an address: ``networks`` at create as Nova's, the
addresses in the server and under ``/ips``, given back on delete, and a
clear fault when a network has none left."""
import time

import pytest

from nova_core import network
from tests.fixtures.client import fault

PRIVATE = network.network_uuid('private')
TINY = network.network_uuid('tiny')


def _boot(api, image_id, name, networks, **extra):
    created = api.boot(name, image=image_id, networks=networks, **extra)
    return api.wait_for(created['id'], 'ACTIVE', 'ERROR')


def _delete(api, server):
    assert api.delete('/servers/%s' % server['id']).status_code == 204
    api.wait_gone(server['id'])


@pytest.mark.parametrize('networks', ['auto', None])
def test_auto_gives_one_address_on_the_default_network(api, image_id,
                                                        networks):
    extra = {'networks': networks} if networks else {}
    client = api if networks else api.as_user(version='2.36')
    created = client.post('/servers', json={'server': dict({
        'name': 'addressed', 'imageRef': image_id, 'flavorRef': '1'},
        **extra)})
    assert created.status_code == 202, created.text
    server = api.wait_for(created.json()['server']['id'], 'ACTIVE')
    (label, addresses), = server['addresses'].items()
    (address,) = addresses
    assert label == 'private'
    assert set(address) == {'version', 'addr', 'OS-EXT-IPS:type',
                            'OS-EXT-IPS-MAC:mac_addr'}
    assert address['version'] == 4 and address['addr'].startswith('10.0.0.')
    assert address['OS-EXT-IPS:type'] == 'fixed'
    assert address['OS-EXT-IPS-MAC:mac_addr'].startswith('fa:16:3e:')
    # Nova never fills accessIPv4/6 from the addresses.
    assert (server['accessIPv4'], server['accessIPv6']) == ('', '')
    detailed = [s for s in api.get('/servers/detail').json()['servers']
                if s['id'] == server['id']]
    assert detailed[0]['addresses'] == server['addresses']
    _delete(api, server)


def test_none_gives_no_address(api, image_id):
    server = _boot(api, image_id, 'unaddressed', 'none')
    assert server['status'] == 'ACTIVE' and server['addresses'] == {}
    assert api.get('/servers/%s/ips' % server['id']).json() == {
        'addresses': {}}
    _delete(api, server)


def test_ips_show_addresses_by_network(api, image_id):
    server = _boot(api, image_id, 'ips', [{'uuid': PRIVATE}])
    addr = server['addresses']['private'][0]['addr']
    ips = api.get('/servers/%s/ips' % server['id'])
    assert ips.status_code == 200
    assert ips.json() == {'addresses': {'private': [
        {'version': 4, 'addr': addr}]}}
    one = api.get('/servers/%s/ips/private' % server['id'])
    assert one.json() == {'private': [{'version': 4, 'addr': addr}]}
    missing = api.get('/servers/%s/ips/public' % server['id'])
    assert fault(missing) == ('itemNotFound', 404, 'Instance is not a '
                              'member of specified network')
    other = api.as_user('eve:evil')
    assert other.get('/servers/%s/ips' % server['id']).status_code == 404
    _delete(api, server)


def test_fixed_ip_taken_is_400_until_its_server_is_deleted(api, image_id):
    nets = [{'uuid': PRIVATE, 'fixed_ip': '10.0.0.200'}]
    first = _boot(api, image_id, 'fixed-1', nets)
    assert first['addresses']['private'][0]['addr'] == '10.0.0.200'
    response = api.boot('fixed-2', image=image_id, networks=nets,
                        expect=400)
    assert fault(response) == (
        'badRequest', 400, 'Fixed IP address 10.0.0.200 is already in use '
        'on instance %s.' % first['id'])
    _delete(api, first)
    second = _boot(api, image_id, 'fixed-3', nets)
    assert second['addresses']['private'][0]['addr'] == '10.0.0.200'
    _delete(api, second)


@pytest.mark.parametrize('nets,extra,message', [
    ([{'uuid': '3fa85f64-5717-4562-b3fc-2c963f66afa6'}], {},
     'Network 3fa85f64-5717-4562-b3fc-2c963f66afa6 could not be found.'),
    ([{'uuid': PRIVATE, 'fixed_ip': '10.9.9.9'}], {},
     'Fixed IP address (10.9.9.9) does not exist in network (%s).'
     % PRIVATE),
    ([{'uuid': PRIVATE, 'fixed_ip': '10.0.0.50'}], {'max_count': 2},
     'Failed to launch instances: max_count cannot be greater than 1 if '
     'an fixed_ip is specified.'),
    ([{'port': '3fa85f64-5717-4562-b3fc-2c963f66afa6'}], {},
     'Port id 3fa85f64-5717-4562-b3fc-2c963f66afa6 could not be found.'),
])
def test_bad_networks_are_400_with_nothing_created(api, image_id, nets,
                                                    extra, message):
    before = len(api.get('/servers').json()['servers'])
    response = api.boot('bad-net', image=image_id, networks=nets,
                        expect=400, **extra)
    assert fault(response) == ('badRequest', 400, message)
    assert len(api.get('/servers').json()['servers']) == before


def test_exhausted_network_fails_the_build_and_delete_frees(api, admin,
                                                             image_id):
    nets = [{'uuid': TINY}]
    first = _boot(api, image_id, 'tiny-1', nets)
    assert first['addresses'] == {'tiny': [{
        'version': 4, 'addr': '192.168.77.2', 'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': first['addresses']['tiny'][0][
            'OS-EXT-IPS-MAC:mac_addr']}]}
    second = _boot(api, image_id, 'tiny-2', nets)
    assert second['status'] == 'ERROR'
    assert second['fault']['message'] == (
        'No fixed IP addresses available for network: tiny')
    assert second['addresses'] == {}
    assert admin.server(second['id'])['OS-EXT-SRV-ATTR:host'] is None
    _delete(api, second)
    _delete(api, first)
    third = _boot(api, image_id, 'tiny-3', nets)
    assert third['addresses']['tiny'][0]['addr'] == '192.168.77.2'
    _delete(api, third)


def test_two_networks_in_the_order_asked(api, image_id):
    server = _boot(api, image_id, 'two-nets', [{'uuid': TINY},
                                               {'uuid': PRIVATE}])
    assert list(server['addresses']) == ['tiny', 'private']
    macs = {a['OS-EXT-IPS-MAC:mac_addr']
            for addrs in server['addresses'].values() for a in addrs}
    assert len(macs) == 2
    _delete(api, server)


def test_ip_filter(api, image_id):
    a = _boot(api, image_id, 'ip-a', [{'uuid': PRIVATE,
                                       'fixed_ip': '10.0.0.210'}])
    b = _boot(api, image_id, 'ip-b', [{'uuid': PRIVATE,
                                       'fixed_ip': '10.0.0.211'}])

    def listed(**params):
        return {s['id'] for s in api.get('/servers', params=params).json()[
            'servers']}
    assert listed(ip=r'10\.0\.0\.210') == {a['id']}
    assert {a['id'], b['id']} <= listed(ip=r'10\.0\.0\.21')
    assert listed(ip='192.168.1.1') == set()
    assert listed(ip6='fd00') == set()
    _delete(api, a)
    _delete(api, b)


def test_openstacksdk_create_server_wait(endpoint):
    """The cloud layer's create_server(wait=True), which Ansible's
    openstack.cloud.server module calls, unmodified: it deletes a server
    that turns ACTIVE without an address."""
    import openstack
    conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint})
    server = conn.create_server('sdk-wait', image='fake-image',
                                flavor='m1.tiny', wait=True, timeout=60)
    try:
        assert server.status == 'ACTIVE'
        (address,) = server.addresses['private']
        assert address['addr'].startswith('10.0.0.')
        assert server.private_v4 == address['addr']
    finally:
        assert conn.delete_server(server.id, wait=True, timeout=60)


def _holder(address):
    from nova_core.db import fixed_ips
    return fixed_ips.holder('private', address)


def test_soft_deleted_server_keeps_its_address_until_reclaimed(
        api, cloud, image_id):
    """As Nova's: a soft-deleted server keeps its network (a restore
    brings it back as it was); the reclaim task's delete gives it back."""
    from nova_core import context as nova_context
    from nova_core.compute import reclaim
    from tests.fixtures.conf import ConfFixture
    server = _boot(api, image_id, 'soft', [{'uuid': PRIVATE,
                                            'fixed_ip': '10.0.0.220'}])
    conf = ConfFixture()
    try:
        conf.config(reclaim_instance_interval=3600)
        api.delete('/servers/%s' % server['id'])
        api.wait_for(server['id'], 'SOFT_DELETED')
        assert _holder('10.0.0.220') == server['id']
        assert api.action(server['id'], {'restore': None}).status_code == 202
        assert api.wait_for(server['id'], 'ACTIVE')['addresses'] == server[
            'addresses']
        api.delete('/servers/%s' % server['id'])
        api.wait_for(server['id'], 'SOFT_DELETED')
        conf.config(reclaim_instance_interval=1)
        (compute,) = [s.manager for s in cloud.services
                      if s.manager.__class__.__name__ == 'ComputeManager']
        deadline = time.monotonic() + 15
        while api.get('/servers/%s' % server['id']).status_code != 404:
            assert time.monotonic() < deadline
            time.sleep(0.2)  # deleted a second ago or more
            reclaim.reclaim_queued_deletes(
                compute, nova_context.get_admin_context())
    finally:
        conf.cleanup()
    assert _holder('10.0.0.220') is None


def test_os_networks_lists_the_ids_to_boot_with_until_2_35(api, admin,
                                                           image_id):
    old = api.as_user(version='2.35')
    listed = old.get('/os-networks')
    assert listed.status_code == 200
    by_label = {n['label']: n for n in listed.json()['networks']}
    assert list(by_label) == ['private', 'tiny']
    private = by_label['private']
    assert (private['id'], private['cidr'], private['netmask'],
            private['gateway'], private['broadcast']) == (
        PRIVATE, '10.0.0.0/24', '255.255.255.0', '10.0.0.1', '10.0.0.255')
    assert 'bridge' not in private  # admins only, as Nova's
    assert 'bridge' in admin.as_user(version='2.35').get(
        '/os-networks').json()['networks'][0]
    shown = old.get('/os-networks/%s' % TINY)
    assert shown.json()['network']['cidr'] == '192.168.77.0/30'
    missing = old.get('/os-networks/nope')
    assert fault(missing) == ('itemNotFound', 404,
                              'Network could not be found.')
    assert api.get('/os-networks').status_code == 404  # 2.36 on
