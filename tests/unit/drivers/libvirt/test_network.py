"""Guests on their networks: a NIC with the allocated MAC on the network's
bridge or libvirt network, and the address in that libvirt network's DHCP
hosts while the guest exists (against test:///default, whose network
``default`` is 192.168.122.0/24)."""
import xml.etree.ElementTree as ET

import libvirt
import pytest

from nova_core import exception
from nova_core_drivers.libvirt import dhcp

from .conftest import make_instance, needs_qemu_img

pytestmark = needs_qemu_img


def _vif(mac, address, bridge=None, libvirt_network=None):
    return {'network': 'n', 'address': address, 'mac': mac,
            'bridge': bridge, 'libvirt_network': libvirt_network,
            'prefix_len': 24, 'gateway': '192.168.122.1',
            'dns_servers': []}


def _dhcp_hosts(driver):
    net = driver.host.get_connection().networkLookupByName('default')
    root = ET.fromstring(net.XMLDesc(0))
    return {h.get('mac'): h.get('ip')
            for h in root.findall('./ip/dhcp/host')}


def _interfaces(driver, inst):
    root = ET.fromstring(driver.host.lookup(inst).XMLDesc(0))
    return [(i.get('type'), i.find('source').attrib,
             i.find('mac').get('address'), i.find('model').get('type'))
            for i in root.findall('./devices/interface')]


def test_guest_on_libvirt_network_gets_nic_and_dhcp_host(driver,
                                                         qcow2_image):
    inst = make_instance(network_info=[
        _vif('fa:16:3e:10:00:01', '192.168.122.50',
             libvirt_network='default'),
        _vif('fa:16:3e:10:00:02', '10.0.0.5', bridge='br-lab'),
        _vif('fa:16:3e:10:00:03', '10.1.0.5')])  # neither: no NIC
    driver.spawn(None, inst, qcow2_image)
    assert _interfaces(driver, inst) == [
        ('network', {'network': 'default'}, 'fa:16:3e:10:00:01', 'virtio'),
        ('bridge', {'bridge': 'br-lab'}, 'fa:16:3e:10:00:02', 'virtio')]
    assert _dhcp_hosts(driver)['fa:16:3e:10:00:01'] == '192.168.122.50'
    driver.destroy(None, inst)
    assert 'fa:16:3e:10:00:01' not in _dhcp_hosts(driver)


def test_guest_without_network_info_has_no_nic(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    assert _interfaces(driver, inst) == []


def test_address_outside_the_libvirt_network_fails_the_spawn(
        driver, qcow2_image):
    inst = make_instance(network_info=[
        _vif('fa:16:3e:10:00:04', '10.0.0.9', libvirt_network='nope')])
    with pytest.raises(exception.VirtDriverError, match='nope'):
        driver.spawn(None, inst, qcow2_image)
    with pytest.raises(libvirt.libvirtError):
        driver.host.get_connection().lookupByName(inst['name'])


def test_stale_entry_of_the_same_mac_is_replaced(driver):
    conn = driver.host.get_connection()
    inst = {'name': 'x', 'network_info': [
        _vif('fa:16:3e:10:00:05', '192.168.122.60',
             libvirt_network='default')]}
    dhcp.add_hosts(conn, inst)
    inst['network_info'][0]['address'] = '192.168.122.61'
    dhcp.add_hosts(conn, inst)
    assert _dhcp_hosts(driver)['fa:16:3e:10:00:05'] == '192.168.122.61'
    dhcp.remove_hosts(conn, dhcp.interfaces_of_instance(inst))
    dhcp.remove_hosts(conn, dhcp.interfaces_of_instance(inst))  # no error
    assert 'fa:16:3e:10:00:05' not in _dhcp_hosts(driver)
