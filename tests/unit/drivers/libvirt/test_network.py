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


@pytest.mark.parametrize('recreate', [
    lambda drv, inst: drv.power_on(None, inst),
    lambda drv, inst: drv.reboot(None, inst, 'HARD')],
    ids=['power_on', 'hard_reboot'])
def test_a_lost_domain_is_defined_again_with_its_nic_and_dhcp_host(
        driver, qcow2_image, recreate):
    inst = make_instance(
        image_ref=qcow2_image['id'], system_metadata={
            'image_disk_format': 'qcow2', 'image_container_format': 'bare'},
        network_info=[_vif('fa:16:3e:10:00:09', '192.168.122.59',
                           libvirt_network='default')])
    driver.spawn(None, inst, qcow2_image)
    driver.destroy(None, inst, destroy_disks=False)  # libvirt lost it
    assert 'fa:16:3e:10:00:09' not in _dhcp_hosts(driver)
    recreate(driver, inst)
    assert _interfaces(driver, inst) == [
        ('network', {'network': 'default'}, 'fa:16:3e:10:00:09', 'virtio')]
    assert _dhcp_hosts(driver)['fa:16:3e:10:00:09'] == '192.168.122.59'
    driver.destroy(None, inst)
    assert 'fa:16:3e:10:00:09' not in _dhcp_hosts(driver)


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


def _persistent_macs(driver, inst):
    root = ET.fromstring(driver.host.lookup(inst).XMLDesc(
        libvirt.VIR_DOMAIN_XML_INACTIVE))
    return [i.find('mac').get('address')
            for i in root.findall('./devices/interface')]


def _port(mac, address, **kwargs):
    return dict(_vif(mac, address, **kwargs), port_id='p-' + mac[-2:],
                tag=None)


@pytest.fixture
def hotplugged(monkeypatch):
    """test:///default has no hot-plug: the live calls, recorded."""
    calls = []
    monkeypatch.setattr(libvirt.virDomain, 'attachDeviceFlags',
                        lambda dom, xml, flags: calls.append(
                            ('attach', ET.fromstring(xml).find('mac').get(
                                'address'), flags)))
    monkeypatch.setattr(libvirt.virDomain, 'detachDeviceFlags',
                        lambda dom, xml, flags: calls.append(
                            ('detach', ET.fromstring(xml).find('mac').get(
                                'address'), flags)))
    return calls


@pytest.mark.parametrize('running', [True, False])
def test_attach_and_detach_interface(driver, qcow2_image, running,
                                     hotplugged):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    if not running:
        driver.power_off(inst)
    assert driver.capabilities['supports_attach_interface']
    port = _port('fa:16:3e:10:00:21', '192.168.122.71',
                 libvirt_network='default')
    driver.attach_interface(None, inst, port)
    assert _dhcp_hosts(driver)['fa:16:3e:10:00:21'] == '192.168.122.71'
    assert _persistent_macs(driver, inst) == ['fa:16:3e:10:00:21']
    bridged = _port('fa:16:3e:10:00:22', '10.0.0.7', bridge='br-lab')
    driver.attach_interface(None, inst, bridged)
    assert _persistent_macs(driver, inst) == [
        'fa:16:3e:10:00:21', 'fa:16:3e:10:00:22']
    driver.detach_interface(None, inst, port)
    assert _persistent_macs(driver, inst) == ['fa:16:3e:10:00:22']
    assert 'fa:16:3e:10:00:21' not in _dhcp_hosts(driver)
    live = libvirt.VIR_DOMAIN_AFFECT_LIVE
    # (test:///default's live domain does not change: no live detach.)
    assert hotplugged == ([('attach', 'fa:16:3e:10:00:21', live),
                           ('attach', 'fa:16:3e:10:00:22', live)]
                          if running else [])
    driver.detach_interface(None, inst, port)  # gone already: no error


def test_detach_a_booted_interface_from_the_running_domain(
        driver, qcow2_image, hotplugged):
    port = _port('fa:16:3e:10:00:26', '192.168.122.76',
                 libvirt_network='default')
    inst = make_instance(network_info=[port])
    driver.spawn(None, inst, qcow2_image)
    driver.detach_interface(None, inst, port)
    assert hotplugged == [('detach', 'fa:16:3e:10:00:26',
                           libvirt.VIR_DOMAIN_AFFECT_LIVE)]
    assert _persistent_macs(driver, inst) == []
    assert 'fa:16:3e:10:00:26' not in _dhcp_hosts(driver)


def test_attach_on_a_network_without_device_only_records(driver,
                                                         qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    driver.attach_interface(None, inst, _port('fa:16:3e:10:00:23',
                                              '10.1.0.9'))
    assert _interfaces(driver, inst) == []


def test_attach_to_a_missing_libvirt_network_fails_and_leaves_nothing(
        driver, qcow2_image, hotplugged):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    with pytest.raises(exception.VirtDriverError, match='nope'):
        driver.attach_interface(None, inst, _port(
            'fa:16:3e:10:00:24', '10.0.0.9', libvirt_network='nope'))
    assert _interfaces(driver, inst) == [] and hotplugged == []
    with pytest.raises(exception.InstanceNotFound):
        driver.attach_interface(None, make_instance(), _port(
            'fa:16:3e:10:00:25', '10.0.0.9', bridge='br-lab'))
