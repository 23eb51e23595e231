"""``os-interface`` on a running real QEMU guest: an interface on a second
nova-core network, backed by a second isolated libvirt network, is
hot-plugged into the domain (its MAC in the live and persistent XML, its
address a DHCP host of that network, the port in ``os-interface`` and
``addresses``), then unplugged (all of it gone, and the address free for
the next attach). Then, with that interface attached again, shelve
(offloaded at once) and unshelve, rebuild, and a hard reboot of a domain
libvirt lost each give the new guest both interfaces and their DHCP
hosts; last, a detach from a paused guest.

Two isolated libvirt networks (:mod:`.libvirt_net`): the server boots on
the first (the default network), the interface comes on the second.
One server goes through every test, in file order (guests are TCG).
"""
import os
import xml.etree.ElementTree as ET

import pytest

from nova_core import network as nc_network
from tests.fixtures.services import require
from tests.integration import libvirt_guest as guest
from tests.integration import libvirt_net
from tests.integration import test_libvirt_network as net_tests
from tests.integration import test_libvirt_qemu as qemu_tests
from tests.integration.libvirt_guest import IP_LINE, UP_LINE, wait_for

host_ready = qemu_tests.host_ready
state_dir = qemu_tests.state_dir
network = net_tests.network

BOOT_TIMEOUT = 120
NETWORK, SECOND = 'itnet', 'itnet2'


@pytest.fixture(scope='module')
def second(network):
    net = libvirt_net.IsolatedNetwork(guest.URI)
    try:
        net.start()
        yield net
    finally:
        net.stop()


@pytest.fixture(scope='module')
def cloud(state_dir, network, second):
    require(net_tests._which('nova-core-all'),
            'nova-core-all is not installed')
    api_dir = os.path.join(state_dir, 'api-iface')
    os.makedirs(api_dir, mode=0o755)
    all_in_one = guest.NovaCoreAll(api_dir, extra_config=(
        f'[network]\nnetworks = {NETWORK},{SECOND}\n'
        f'[network_{NETWORK}]\ncidr = {network.subnet}\n'
        f'libvirt_network = {network.name}\n'
        f'[network_{SECOND}]\ncidr = {second.subnet}\n'
        f'libvirt_network = {second.name}\n'))
    try:
        all_in_one.start()
        yield all_in_one
    finally:
        all_in_one.stop()
        guest.remove_domains_under(api_dir)


@pytest.fixture(scope='module')
def server(cloud, network, second):
    image_id = cloud.upload_guest()
    server_id = cloud.boot(image_id, 'it-iface')
    try:
        assert cloud.wait_status(server_id, 'ACTIVE'), cloud.log()
        # Hot-plug into a guest whose kernel is up (ACPI PCI hotplug).
        assert wait_for(lambda: UP_LINE in _log(cloud, server_id),
                        BOOT_TIMEOUT), _log(cloud, server_id)
        yield server_id
    finally:
        cloud.request('DELETE', f'/v2.1/servers/{server_id}')
        assert wait_for(lambda: cloud.server(server_id) is None, 120)
        assert network.dhcp_hosts() == {network.peer_mac: network.peer}
        assert second.dhcp_hosts() == {second.peer_mac: second.peer}


def _log(cloud, server_id):
    path = os.path.join(cloud.state_dir, 'instances', server_id,
                        'console.log')
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except FileNotFoundError:
        return ''


def _interfaces(server_id, inactive=False):
    """``[(libvirt network, mac)]`` of the domain's live (or persistent)
    definition."""
    import libvirt
    conn = libvirt.open(guest.URI)
    try:
        dom = conn.lookupByUUIDString(server_id)
        tree = ET.fromstring(dom.XMLDesc(
            libvirt.VIR_DOMAIN_XML_INACTIVE if inactive else 0))
    finally:
        conn.close()
    return [(i.find('source').get('network'), i.find('mac').get('address'))
            for i in tree.findall('devices/interface')]


def _ports(cloud, server_id):
    resp = cloud.request('GET', f'/v2.1/servers/{server_id}/os-interface')
    assert resp.status_code == 200, resp.text
    return resp.json()['interfaceAttachments']


def _attach(cloud, server_id, address=None):
    attachment = {'net_id': nc_network.network_uuid(SECOND)}
    if address:
        attachment['fixed_ips'] = [{'ip_address': address}]
    resp = cloud.request('POST', f'/v2.1/servers/{server_id}/os-interface',
                         json={'interfaceAttachment': attachment})
    assert resp.status_code == 200, (resp.text, cloud.log())
    return resp.json()['interfaceAttachment']


def _assert_attached(cloud, network, second, server_id, port):
    mac = port['mac_addr']
    [fixed] = port['fixed_ips']
    address = fixed['ip_address']
    assert port['net_id'] == nc_network.network_uuid(SECOND)
    assert address in [str(a) for a in second.subnet.hosts()]
    assert address not in (second.gateway, second.peer)
    first_mac = cloud.server(server_id)['addresses'][NETWORK][0][
        'OS-EXT-IPS-MAC:mac_addr']
    expected = [(network.name, first_mac), (second.name, mac)]
    assert _interfaces(server_id) == expected
    assert _interfaces(server_id, inactive=True) == expected
    assert second.dhcp_hosts() == {mac: address, second.peer_mac: second.peer}
    assert mac not in network.dhcp_hosts()
    assert port in _ports(cloud, server_id)
    [vif] = cloud.server(server_id)['addresses'][SECOND]
    assert (vif['addr'], vif['OS-EXT-IPS-MAC:mac_addr']) == (address, mac)
    assert cloud.server(server_id)['status'] == 'ACTIVE'


def _detach(cloud, network, second, server_id, port, live=True):
    """Detach ``port``; ``live``: the running guest lets it go too (a
    paused one cannot acknowledge the unplug yet)."""
    mac = port['mac_addr']
    resp = cloud.request(
        'DELETE', f'/v2.1/servers/{server_id}/os-interface/{port["port_id"]}')
    assert resp.status_code == 202, resp.text
    assert wait_for(lambda: port not in _ports(cloud, server_id), 60), \
        cloud.log()
    assert [n for n, _ in _interfaces(server_id, inactive=True)] == \
        [network.name]
    if live:
        _wait_unplugged(server_id, network, mac)
    assert second.dhcp_hosts() == {second.peer_mac: second.peer}
    assert SECOND not in cloud.server(server_id)['addresses']
    resp = cloud.request(
        'GET', f'/v2.1/servers/{server_id}/os-interface/{port["port_id"]}')
    assert resp.status_code == 404, resp.text


def _wait_unplugged(server_id, network, mac):
    assert wait_for(lambda: all(m != mac for _, m in _interfaces(server_id)),
                    30), _interfaces(server_id)
    assert [n for n, _ in _interfaces(server_id)] == [network.name]


def test_attach_then_detach_an_interface_on_a_running_guest(
        cloud, network, second, server):
    assert list(cloud.server(server)['addresses']) == [NETWORK]
    assert [n for n, _ in _interfaces(server)] == [network.name]
    port = _attach(cloud, server)
    _assert_attached(cloud, network, second, server, port)
    address = port['fixed_ips'][0]['ip_address']

    _detach(cloud, network, second, server, port)

    # The address is free again: an attach may ask for it.
    again = _attach(cloud, server, address)
    assert again['fixed_ips'][0]['ip_address'] == address
    assert again['port_id'] != port['port_id']
    _assert_attached(cloud, network, second, server, again)


def test_shelve_and_unshelve_keep_both_interfaces(cloud, network, second,
                                                  server):
    """Shelved with the attached port (offloaded at once): the domain and
    both DHCP hosts go; unshelved, the guest boots with both interfaces,
    the same MACs and addresses, and gets its first one by DHCP."""
    ports = _ports(cloud, server)
    assert len(ports) == 2
    addresses = cloud.server(server)['addresses']
    resp = cloud.action(server, {'shelve': None})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'SHELVED_OFFLOADED'), cloud.log()
    assert network.dhcp_hosts() == {network.peer_mac: network.peer}
    assert second.dhcp_hosts() == {second.peer_mac: second.peer}
    assert _ports(cloud, server) == ports

    resp = cloud.action(server, {'unshelve': None})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'ACTIVE'), cloud.log()
    assert cloud.server(server)['addresses'] == addresses
    [first, port] = sorted(ports, key=lambda p: p['net_id'] !=
                           nc_network.network_uuid(NETWORK))
    _assert_attached(cloud, network, second, server, port)
    address = first['fixed_ips'][0]['ip_address']
    assert network.dhcp_hosts() == {first['mac_addr']: address,
                                    network.peer_mac: network.peer}
    _reached_after_dhcp(cloud, network, server, address)


def test_rebuild_keeps_both_interfaces(cloud, network, second, server):
    """The rebuilt guest is plugged in as the old one was (its DHCP hosts
    removed with the old domain, added again with the new)."""
    ports = _ports(cloud, server)
    resp = cloud.action(server, {'rebuild': {
        'imageRef': cloud.server(server)['image']['id']}})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'ACTIVE'), cloud.log()
    assert _ports(cloud, server) == ports
    [first, port] = sorted(ports, key=lambda p: p['net_id'] !=
                           nc_network.network_uuid(NETWORK))
    _assert_attached(cloud, network, second, server, port)
    address = first['fixed_ips'][0]['ip_address']
    _reached_after_dhcp(cloud, network, server, address)


def test_hard_reboot_makes_a_lost_domain_again_with_both_interfaces(
        cloud, network, second, server):
    """libvirt loses the domain and its DHCP hosts: a hard reboot defines
    it again (as Nova's makes the domain XML again), plugged in as
    before."""
    import libvirt
    ports = _ports(cloud, server)
    conn = libvirt.open(guest.URI)
    try:
        dom = conn.lookupByUUIDString(server)
        dom.destroy()
        dom.undefine()
    finally:
        conn.close()
    for net in (network, second):
        for mac in set(net.dhcp_hosts()) - {net.peer_mac}:
            _remove_dhcp_host(net, mac)
    resp = cloud.action(server, {'reboot': {'type': 'HARD'}})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'ACTIVE'), cloud.log()
    [first, port] = sorted(ports, key=lambda p: p['net_id'] !=
                           nc_network.network_uuid(NETWORK))
    _assert_attached(cloud, network, second, server, port)
    _reached_after_dhcp(cloud, network, server,
                        first['fixed_ips'][0]['ip_address'])


def _remove_dhcp_host(net, mac):
    import libvirt
    conn = libvirt.open(guest.URI)
    try:
        conn.networkLookupByName(net.name).update(
            libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE,
            libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
            f"<host mac='{mac}'/>",
            libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE |
            libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG)
    finally:
        conn.close()


def _reached_after_dhcp(cloud, network, server_id, address):
    """The guest's last boot got ``address`` by DHCP on its first NIC, and
    it answers ping from the namespace."""
    assert wait_for(lambda: f'{IP_LINE} {address}' in _log(cloud, server_id),
                    BOOT_TIMEOUT), _log(cloud, server_id)[-3000:]
    assert network.dhcp_hosts()[first_mac(cloud, server_id)] == address
    assert wait_for(lambda: network.ping(address), 30)


def first_mac(cloud, server_id):
    return cloud.server(server_id)['addresses'][NETWORK][0][
        'OS-EXT-IPS-MAC:mac_addr']


def test_detach_from_a_paused_guest(cloud, network, second, server):
    """The paused guest cannot acknowledge the unplug: libvirt gives up
    waiting and the device goes when the guest runs again."""
    port = next(p for p in _ports(cloud, server)
                if p['net_id'] == nc_network.network_uuid(SECOND))
    resp = cloud.action(server, {'pause': None})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'PAUSED'), cloud.log()
    _detach(cloud, network, second, server, port, live=False)
    resp = cloud.action(server, {'unpause': None})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'ACTIVE'), cloud.log()
    _wait_unplugged(server, network, port['mac_addr'])
    assert len(_ports(cloud, server)) == 1
