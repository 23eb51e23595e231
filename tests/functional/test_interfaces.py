"""``os-interface``: a server's ports (its fixed IPs) listed, shown,
attached and detached on the configured networks, with Nova's answers to
what it refuses, each leaving everything as it was. The cloud's networks:
``private`` (10.0.0.0/24, the default) and ``tiny`` (one address,
192.168.77.2)."""
import time
import uuid

import pytest

from nova_core import network
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import services as db_services
from nova_core.db.session import transaction
from tests.fixtures.client import fault
from tests.fixtures.conf import ConfFixture

PRIVATE, TINY = network.network_uuid('private'), network.network_uuid('tiny')
TINY_IP = '192.168.77.2'


@pytest.fixture
def server(api, image_id):
    server_id = api.boot('iface', image=image_id, networks='auto')['id']
    api.wait_for(server_id, 'ACTIVE')
    yield server_id
    api.delete('/servers/%s' % server_id)
    api.wait_gone(server_id)


def _path(server_id, port_id=None):
    path = '/servers/%s/os-interface' % server_id
    return path + '/' + port_id if port_id else path


def _attach(api, server_id, net_id=TINY, version='2.70', **attachment):
    if net_id is not None:
        attachment['net_id'] = net_id
    return api.as_user(version=version).post(
        _path(server_id), json={'interfaceAttachment': attachment})


def _ports(api, server_id, version='2.70'):
    response = api.as_user(version=version).get(_path(server_id))
    assert response.status_code == 200, response.text
    return response.json()['interfaceAttachments']


def _guest_macs(cloud, server_id):
    (compute,) = [s.manager for s in cloud.services
                  if s.manager.__class__.__name__ == 'ComputeManager']
    return [n['mac'] for n in compute.driver.guest(server_id)['interfaces']]


def _wait_detached(api, server_id, port_id, timeout=10):
    deadline = time.monotonic() + timeout
    while port_id in [p['port_id'] for p in _ports(api, server_id)]:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _unchanged(api, server_id, before):
    assert _ports(api, server_id) == before
    assert db_fixed_ips.holder('tiny', TINY_IP) is None


def test_ports_of_a_server_as_nova_shows_them(api, server, cloud):
    (port,) = _ports(api, server)
    (address,) = api.server(server)['addresses']['private']
    assert port == {
        'net_id': PRIVATE, 'port_id': port['port_id'],
        'mac_addr': address['OS-EXT-IPS-MAC:mac_addr'],
        'port_state': 'ACTIVE',
        'fixed_ips': [{'subnet_id': network.subnet_uuid('private'),
                       'ip_address': address['addr']}],
        'tag': None}
    assert uuid.UUID(port['port_id'])
    shown = api.get(_path(server, port['port_id'])).json()
    assert shown == {'interfaceAttachment': port}
    old = api.as_user(version='2.69').get(_path(server, port['port_id']))
    assert 'tag' not in old.json()['interfaceAttachment']
    assert 'tag' not in _ports(api, server, version='2.69')[0]
    assert _guest_macs(cloud, server) == [port['mac_addr']]


def test_attach_then_detach(api, server, cloud):
    (first,) = _ports(api, server)
    response = _attach(api, server, tag='data')
    assert response.status_code == 200, response.text
    port = response.json()['interfaceAttachment']
    assert (port['net_id'], port['fixed_ips'][0]['ip_address'],
            port['tag'], port['port_state']) == (TINY, TINY_IP, 'data',
                                                 'ACTIVE')
    assert _ports(api, server) == [first, port]
    addresses = api.server(server)['addresses']
    assert [a['addr'] for a in addresses['tiny']] == [TINY_IP]
    assert addresses['tiny'][0]['OS-EXT-IPS-MAC:mac_addr'] == \
        port['mac_addr']
    assert api.get('/servers/%s/ips/tiny' % server).json() == {
        'tiny': [{'version': 4, 'addr': TINY_IP}]}
    assert _guest_macs(cloud, server) == [first['mac_addr'],
                                          port['mac_addr']]
    response = api.delete(_path(server, port['port_id']))
    assert response.status_code == 202, response.text
    _wait_detached(api, server, port['port_id'])
    assert 'tiny' not in api.server(server)['addresses']
    assert api.get('/servers/%s/ips/tiny' % server).status_code == 404
    assert _guest_macs(cloud, server) == [first['mac_addr']]
    assert db_fixed_ips.holder('tiny', TINY_IP) is None  # back in the pool
    actions = api.get('/servers/%s/os-instance-actions' % server).json()[
        'instanceActions']
    assert [a['action'] for a in actions][:2] == ['detach_interface',
                                                  'attach_interface']
    for action in actions[:2]:
        (event,) = db_actions.get(server, action['request_id'])['events']
        assert (event['event'], event['result']) == (
            'compute_%s' % action['action'], 'Success')
    # The first interface, from the build, detaches too.
    assert api.delete(_path(server, first['port_id'])).status_code == 202
    _wait_detached(api, server, first['port_id'])
    assert api.server(server)['addresses'] == {}
    assert _guest_macs(cloud, server) == []


def test_attach_a_requested_address_of_a_stopped_server(api, server):
    assert api.action(server, {'os-stop': None}).status_code == 202
    api.wait_for(server, 'SHUTOFF')
    response = _attach(api, server, net_id=PRIVATE,
                       fixed_ips=[{'ip_address': '10.0.0.250'}])
    assert response.status_code == 200, response.text
    port = response.json()['interfaceAttachment']
    assert (port['net_id'], port['fixed_ips'][0]['ip_address']) == (
        PRIVATE, '10.0.0.250')
    assert api.delete(_path(server, port['port_id'])).status_code == 202
    _wait_detached(api, server, port['port_id'])


@pytest.mark.parametrize('attachment,version,code,message', [
    ({'net_id': TINY, 'port_id': str(uuid.uuid4())}, '2.70', 400,
     'Must not input both network_id and port_id'),
    ({'fixed_ips': [{'ip_address': '10.0.0.9'}]}, '2.70', 400,
     'Must input network_id when request IP address'),
    ({}, '2.70', 400, 'More than one possible network found. Specify '
     'network ID(s) to select which one(s) to connect to.'),
    ({'net_id': str(uuid.UUID(int=7))}, '2.70', 404,
     'Network %s could not be found.' % uuid.UUID(int=7)),
    ({'port_id': str(uuid.UUID(int=8))}, '2.70', 404,
     'Port id %s could not be found.' % uuid.UUID(int=8)),
    ({'net_id': PRIVATE, 'fixed_ips': [{'ip_address': '10.9.9.9'}]},
     '2.70', 400, 'Fixed IP address (10.9.9.9) does not exist in network '
     '(%s).' % PRIVATE),
    ({'net_id': TINY, 'tag': 'x'}, '2.48', 400, None),
    ({'net_id': TINY, 'tag': 'a/b'}, '2.70', 400, None),
    ({'net_id': 'tiny'}, '2.70', 400, None),
    ({'net_id': TINY, 'fixed_ips': []}, '2.70', 400, None),
    ({'net_id': TINY, 'fixed_ips': [{'ip_address': 'x'}]}, '2.70', 400,
     None),
    ({'net_id': TINY, 'mac': 'fa:16:3e:00:00:01'}, '2.70', 400, None),
])
def test_bad_attach_changes_nothing(api, server, attachment, version, code,
                                    message):
    before = _ports(api, server)
    response = api.as_user(version=version).post(
        _path(server), json={'interfaceAttachment': attachment})
    assert response.status_code == code, response.text
    if message is not None:
        assert fault(response)[1:] == (code, message)
    _unchanged(api, server, before)


def test_port_in_use_address_in_use_and_an_exhausted_network(
        api, image_id, server):
    (own,) = _ports(api, server)
    used = own['fixed_ips'][0]['ip_address']
    before = _ports(api, server)
    response = _attach(api, server, port_id=own['port_id'], net_id=None)
    assert response.status_code == 409, response.text
    assert fault(response)[1:] == (409, 'Port %s is still in use.'
                                   % own['port_id'])
    response = _attach(api, server, net_id=PRIVATE,
                       fixed_ips=[{'ip_address': used}])
    assert response.status_code == 409, response.text
    assert fault(response) == ('conflictingRequest', 409,
                               'Fixed IP address %s is already in use on '
                               'instance %s.' % (used, server))
    _unchanged(api, server, before)
    other = api.boot('iface-tiny', image=image_id,
                     networks=[{'uuid': TINY}])['id']
    try:
        api.wait_for(other, 'ACTIVE')
        response = _attach(api, server)
        assert response.status_code == 400, response.text
        assert fault(response)[1:] == (
            400, 'No fixed IP addresses available for network: tiny')
        assert _ports(api, server) == before
    finally:
        api.delete('/servers/%s' % other)
        api.wait_gone(other)


def test_show_and_detach_of_ports_not_the_servers(api, server, image_id):
    unknown = str(uuid.uuid4())
    for response in (api.get(_path(server, unknown)),
                     api.delete(_path(server, unknown))):
        assert response.status_code == 404, response.text
        assert fault(response)[1:] == (404, 'Port id %s could not be found.'
                                       % unknown)
    other = api.boot('iface-other', image=image_id, networks='auto')['id']
    try:
        api.wait_for(other, 'ACTIVE')
        (theirs,) = _ports(api, other)
        response = api.get(_path(server, theirs['port_id']))
        assert fault(response)[1:] == (
            404, 'Instance %s does not have a port with id %s'
            % (server, theirs['port_id']))
        assert api.delete(_path(server, theirs['port_id'])).status_code == \
            404
        assert _ports(api, other) == [theirs]
    finally:
        api.delete('/servers/%s' % other)
        api.wait_gone(other)


def test_other_projects_see_no_server(api, server):
    other = api.as_user(token='alt:alt')
    for response in (other.get(_path(server)),
                     other.post(_path(server), json={
                         'interfaceAttachment': {'net_id': TINY}})):
        assert response.status_code == 404, response.text
    _unchanged(api, server, _ports(api, server))


def test_locked_and_busy_servers_refuse(api, admin, server):
    (port,) = before = _ports(api, server)
    assert admin.action(server, {'lock': None}).status_code == 202
    try:
        for response in (_attach(api, server),
                         api.delete(_path(server, port['port_id']))):
            assert response.status_code == 409, response.text
            assert fault(response)[1:] == (
                409, 'Instance %s is locked' % server)
        _unchanged(api, server, before)
    finally:
        assert admin.action(server, {'unlock': None}).status_code == 202
    assert api.action(server, {'suspend': None}).status_code == 202
    api.wait_for(server, 'SUSPENDED')
    for action, response in (
            ('attach_interface', _attach(api, server)),
            ('detach_interface', api.delete(_path(server,
                                                  port['port_id'])))):
        assert response.status_code == 409, response.text
        assert fault(response)[1:] == (
            409, "Cannot '%s' instance %s while it is in vm_state "
                 "suspended" % (action, server))
    _unchanged(api, server, before)


def test_task_state_in_the_way(api, server):
    from nova_core.db import instances as db_instances
    before = _ports(api, server)
    db_instances.update(server, {'task_state': 'rebooting'})
    try:
        response = _attach(api, server)
        assert response.status_code == 409, response.text
        assert fault(response)[1:] == (
            409, "Cannot 'attach_interface' instance %s while it is in "
                 "task_state rebooting" % server)
    finally:
        db_instances.update(server, {'task_state': None})
    _unchanged(api, server, before)


def test_hypervisor_failure_gives_the_address_back(api, server):
    before = _ports(api, server)
    conf = ConfFixture()
    conf.config(group='fake', fail_operations=['attach_interface'],
                fail_instance_names='^iface$')
    try:
        response = _attach(api, server)
    finally:
        conf.cleanup()
    assert response.status_code == 500, response.text
    assert fault(response) == ('computeFault', 500, 'Failed to attach '
                               'network adapter device to %s' % server)
    _unchanged(api, server, before)
    (action,) = [a for a in api.get(
        '/servers/%s/os-instance-actions' % server).json()[
        'instanceActions'] if a['action'] == 'attach_interface']
    (event,) = db_actions.get(server, action['request_id'])['events']
    assert (event['event'], event['result']) == (
        'compute_attach_interface', 'Error')


def test_a_driver_that_cannot_plug_interfaces(api, server, cloud):
    before = _ports(api, server)
    from nova_core.db import instances as db_instances
    host = db_instances.get(server)['host']
    (node,) = db_services.node_get_all(host=host)
    capabilities = dict(node['capabilities'] or {})
    table = db_services.CNT

    def report(values):
        with transaction() as session:
            session.execute(table.update().where(
                table.c.id == node['id']).values(capabilities=values))
    report(dict(capabilities, supports_attach_interface=False))
    try:
        response = _attach(api, server)
        assert response.status_code == 400, response.text
        assert fault(response)[1:] == (
            400, 'Attaching interfaces is not supported for instance %s.'
            % server)
        response = api.delete(_path(server, before[0]['port_id']))
        assert response.status_code == 501, response.text
    finally:
        report(capabilities)
    _unchanged(api, server, before)


def test_a_server_booted_without_networks_gets_its_first(api, image_id,
                                                          cloud):
    server = api.boot('iface-none', image=image_id)['id']
    try:
        api.wait_for(server, 'ACTIVE')
        assert _ports(api, server) == []
        response = _attach(api, server, net_id=PRIVATE)
        assert response.status_code == 200, response.text
        (port,) = _ports(api, server)
        assert port == response.json()['interfaceAttachment']
        assert _guest_macs(cloud, server) == [port['mac_addr']]
    finally:
        api.delete('/servers/%s' % server)
        api.wait_gone(server)
    assert db_fixed_ips.get_port(port['port_id']) is None


def test_openstacksdk_server_interfaces(endpoint, image_id):
    import openstack
    conn = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'sdk-iface:sdk-iface'})
    flavor = conn.compute.find_flavor('m1.tiny')
    server = conn.compute.create_server(
        name='sdk-iface', flavor_id=flavor.id, image_id=image_id,
        networks='none')
    server = conn.compute.wait_for_server(server, wait=30, interval=0.2)
    try:
        attached = conn.compute.create_server_interface(server, net_id=TINY)
        assert (attached.net_id, attached.fixed_ips[0]['ip_address']) == (
            TINY, TINY_IP)
        (listed,) = conn.compute.server_interfaces(server)
        assert (listed.port_id, listed.mac_addr, listed.port_state) == (
            attached.port_id, attached.mac_addr, 'ACTIVE')
        shown = conn.compute.get_server_interface(attached.port_id, server)
        assert shown.port_id == attached.port_id
        conn.compute.delete_server_interface(attached.port_id, server)
        deadline = time.monotonic() + 10
        while list(conn.compute.server_interfaces(server)):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, wait=30, interval=0.2)
    assert db_fixed_ips.holder('tiny', TINY_IP) is None


@pytest.mark.parametrize('action,calls', [
    ({'reboot': {'type': 'HARD'}}, ['reboot']),
    ({'os-stop': None}, ['power_off']),
    ({'os-start': None}, ['power_on'])])
def test_actions_that_may_boot_the_guest_anew_send_its_ports(
        api, server, cloud, monkeypatch, action, calls):
    """A hard reboot or start of a guest its hypervisor lost makes it
    again: the instance goes with its network_info, as with a build."""
    (compute,) = [s.manager for s in cloud.services
                  if s.manager.__class__.__name__ == 'ComputeManager']
    (port,) = _ports(api, server)
    seen = []
    for name in ('reboot', 'power_on', 'power_off'):
        def record(*args, _name=name, _real=getattr(compute.driver, name),
                   **kwargs):
            instance = next(a for a in args if isinstance(a, dict))
            seen.append((_name, [v['mac'] for v in
                                 instance.get('network_info') or ()]))
            return _real(*args, **kwargs)
        monkeypatch.setattr(compute.driver, name, record)
    if 'os-start' in action:
        api.action(server, {'os-stop': None})
        api.wait_for(server, 'SHUTOFF')
        seen.clear()
    response = api.action(server, action)
    assert response.status_code == 202, response.text
    api.wait_for(server, 'SHUTOFF' if 'os-stop' in action else 'ACTIVE')
    macs = [] if 'os-stop' in action else [port['mac_addr']]
    assert seen == [(calls[0], macs)]
