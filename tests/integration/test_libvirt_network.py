"""A real QEMU guest on a nova-core network backed by a libvirt network:
its address by DHCP, reached from the host; then changePassword (the
image asks for the QEMU guest agent, the guest runs none), rescue and
unrescue of the same guest.

The test defines its own isolated libvirt network (no forward, its own
bridge and a free /24 of 10.213.0.0/16, dnsmasq DHCP with no range: only
the hosts the libvirt driver adds get an address) and reaches the guest
from a network namespace plugged into that bridge
(:mod:`.libvirt_net`). nova-core-all runs with that network as its only
one. One server goes through every test, in file order (guests are TCG:
each boot counts).
"""
import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from tests.fixtures.services import require
from tests.integration import libvirt_guest as guest
from tests.integration import libvirt_net
from tests.integration import test_libvirt_qemu as qemu_tests
from tests.integration.libvirt_guest import IP_LINE, wait_for

host_ready = qemu_tests.host_ready
state_dir = qemu_tests.state_dir

BOOT_TIMEOUT = 120
NETWORK = 'itnet'
OLD_GUEST = ' (a guest built before DHCP support? run .ci/setup-libvirt.sh)'


@pytest.fixture(scope='module')
def network(host_ready):
    require(os.geteuid() == 0, 'network namespaces need root')
    for tool in ('ip', 'dnsmasq', 'busybox'):
        require(_which(tool), f'{tool} is not installed '
                              '(run .ci/setup-libvirt.sh)')
    net = libvirt_net.IsolatedNetwork(guest.URI)
    try:
        net.start()
        yield net
    finally:
        net.stop()


def _which(tool):
    return shutil.which(tool) or shutil.which(tool, path='/usr/sbin:/sbin')


@pytest.fixture(scope='module')
def cloud(state_dir, network):
    require(_which('nova-core-all'), 'nova-core-all is not installed')
    api_dir = os.path.join(state_dir, 'api-net')
    os.makedirs(api_dir, mode=0o755)
    all_in_one = guest.NovaCoreAll(api_dir, extra_config=(
        f'[network]\nnetworks = {NETWORK}\n'
        f'[network_{NETWORK}]\ncidr = {network.subnet}\n'
        f'libvirt_network = {network.name}\n'))
    all_in_one.start()
    yield all_in_one
    all_in_one.stop()


@pytest.fixture(scope='module')
def server(cloud, network):
    """A server whose image asks for the QEMU guest agent, which the
    busybox guest does not run; once deleted, its DHCP host is gone."""
    image_id = cloud.upload_guest(hw_qemu_guest_agent='yes')
    server_id = cloud.boot(image_id, 'it-net')
    assert cloud.wait_status(server_id, 'ACTIVE'), cloud.log()
    yield server_id
    cloud.request('DELETE', f'/v2.1/servers/{server_id}')
    assert wait_for(lambda: cloud.server(server_id) is None, 120)
    assert network.dhcp_hosts() == {network.peer_mac: network.peer}


def _log(cloud, server_id):
    path = os.path.join(cloud.state_dir, 'instances', server_id,
                        'console.log')
    with open(path, errors='replace') as f:
        return f.read()


def _reached_after_dhcp(cloud, network, server_id, address, boots):
    """The guest's ``boots``-th boot got ``address`` by DHCP, and it
    answers ping and HTTP from the namespace."""
    line = re.compile(rf'^{IP_LINE} {re.escape(address)}\s*$', re.M)
    assert wait_for(lambda: len(line.findall(_log(cloud, server_id))) >=
                    boots, BOOT_TIMEOUT), \
        _log(cloud, server_id)[-3000:] + OLD_GUEST
    assert wait_for(lambda: network.ping(address), 30)
    assert network.http_get(address) == f'nova-core guest {address}'


def test_guest_gets_the_allocated_address_by_dhcp(cloud, network, server):
    addresses = cloud.server(server)['addresses']
    assert list(addresses) == [NETWORK], addresses
    [vif] = addresses[NETWORK]
    address, mac = vif['addr'], vif['OS-EXT-IPS-MAC:mac_addr']
    assert vif['OS-EXT-IPS:type'] == 'fixed' and vif['version'] == 4
    assert address in [str(a) for a in network.subnet.hosts()]
    assert address not in (network.gateway, network.peer)
    assert network.dhcp_hosts() == {mac: address,
                                    network.peer_mac: network.peer}
    assert _domain_macs(server) == [(network.name, mac)]
    _reached_after_dhcp(cloud, network, server, address, 1)


def _domain_macs(server_id):
    import libvirt

    from nova_core_drivers.libvirt import dhcp
    conn = libvirt.open(guest.URI)
    try:
        return dhcp.interfaces_of_domain(
            conn.lookupByUUIDString(server_id).XMLDesc(0))
    finally:
        conn.close()


def _address(cloud, server_id):
    return cloud.server(server_id)['addresses'][NETWORK][0]['addr']


def test_change_password_with_no_agent_in_the_guest_is_501(cloud, server):
    # The domain has the agent's channel (the image asks for it) but no
    # agent answers on it: libvirt says "not connected", Nova answers 501.
    assert _domain_channels(server) == ['org.qemu.guest_agent.0']
    resp = cloud.action(server, {'changePassword': {'adminPass': 'n3w'}})
    assert resp.status_code == 501, resp.text
    assert resp.json() == {'notImplemented': {
        'code': 501, 'message': 'Unable to set password on instance'}}
    after = cloud.server(server)
    assert after['status'] == 'ACTIVE', after
    assert after['OS-EXT-STS:task_state'] is None


def test_rescue_keeps_the_address_then_unrescue(cloud, network, server):
    address = _address(cloud, server)
    resp = cloud.action(server, {'rescue': None})
    assert resp.status_code == 200, resp.text
    assert cloud.wait_status(server, 'RESCUE'), cloud.log()
    disks = _domain_disks(server)
    assert [d[0] for d in disks] == ['vda', 'vdb'], disks
    assert disks[1][1] == os.path.join(cloud.state_dir, 'instances', server,
                                       'disk')
    # The rescue guest booted, on the same MAC: DHCP gave the same address.
    _reached_after_dhcp(cloud, network, server, address, 2)

    resp = cloud.action(server, {'unrescue': None})
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server, 'ACTIVE'), cloud.log()
    assert [d[0] for d in _domain_disks(server)] == ['vda']
    _reached_after_dhcp(cloud, network, server, address, 3)


def _domain_tree(server_id):
    import libvirt
    conn = libvirt.open(guest.URI)
    try:
        return ET.fromstring(conn.lookupByUUIDString(server_id).XMLDesc(0))
    finally:
        conn.close()


def _domain_disks(server_id):
    return [(d.find('target').get('dev'), d.find('source').get('file'))
            for d in _domain_tree(server_id).findall(
                "devices/disk[@device='disk']")]


def _domain_channels(server_id):
    return [c.find('target').get('name')
            for c in _domain_tree(server_id).findall('devices/channel')]
