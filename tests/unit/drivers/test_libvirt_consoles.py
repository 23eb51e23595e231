"""The libvirt driver's consoles in domain XML: a TCP serial port from the
configured range (still logged), a VNC server, and the connect info read
back from a live domain's XML (pure XML: runs without libvirt-python)."""
import socket
import xml.etree.ElementTree as ET

import pytest

from nova_core import exception
from nova_core.conf import CONF
from nova_core_drivers.libvirt import consoles, guest_xml
from nova_core_drivers.libvirt.guest_files import GuestFiles

INSTANCE = {'uuid': 'u', 'name': 'instance-1', 'display_name': 'vm',
            'vcpus': 1, 'memory_mb': 512, 'image_ref': 'img',
            'flavor': {'flavorid': '1', 'name': 'm1.tiny'}}


#: A range of the tests' own: real guests on this machine take ports from
#: the default one (10000:20000), and this is below the kernel's
#: ephemeral ports.
P = 20100


@pytest.fixture
def cconf(conf):
    conf.config(group='serial_console', enabled=True,
                port_range='%d:%d' % (P, P + 3),
                proxyclient_address='127.0.0.1')
    conf.config(group='vnc', enabled=True, server_listen='127.0.0.2',
                server_proxyclient_address='10.1.1.1')
    return CONF


def _xml(guest_consoles):
    return guest_xml.domain_xml(INSTANCE, {}, GuestFiles('/i/u'), 'qemu',
                                consoles=guest_consoles)


def test_tcp_serial_logged_and_vnc(cconf):
    xml = _xml(consoles.for_new_guest(cconf, taken_ports={P}))
    devices = ET.fromstring(xml).find('devices')
    serial = devices.find('serial')
    assert serial.get('type') == 'tcp'
    assert serial.find('source').attrib == {
        'mode': 'bind', 'host': '127.0.0.1', 'service': str(P + 1)}
    assert serial.find('protocol').get('type') == 'raw'
    assert serial.find('log').get('file') == '/i/u/console.log'
    console = devices.find('console')
    assert console.get('type') == 'tcp'
    assert console.find('target').attrib == {'type': 'serial', 'port': '0'}
    graphics = devices.find('graphics')
    assert graphics.attrib == {'type': 'vnc', 'autoport': 'yes',
                               'listen': '127.0.0.2'}
    assert consoles.serial_ports(xml) == {P + 1}
    assert consoles.serial_of(xml, cconf) == {
        'host': '127.0.0.1', 'port': P + 1, 'internal_access_path': None}


def test_disabled_consoles_keep_the_pty(cconf, conf):
    conf.config(group='serial_console', enabled=False)
    conf.config(group='vnc', enabled=False)
    xml = _xml(consoles.for_new_guest(cconf, set()))
    devices = ET.fromstring(xml).find('devices')
    assert devices.find('serial').get('type') == 'pty'
    assert devices.find('graphics') is None
    with pytest.raises(exception.ConsoleTypeUnavailable):
        consoles.serial_of(xml, cconf)
    with pytest.raises(exception.ConsoleTypeUnavailable):
        consoles.vnc_of(xml, cconf)


def test_vnc_port_of_a_running_domain(cconf):
    xml = _xml(consoles.for_new_guest(cconf, set()))
    with pytest.raises(exception.ConsoleTypeUnavailable):
        consoles.vnc_of(xml, cconf)  # defined, not running: no port yet
    root = ET.fromstring(xml)
    root.find('devices/graphics').set('port', '5901')
    assert consoles.vnc_of(ET.tostring(root), cconf) == {
        'host': '10.1.1.1', 'port': 5901, 'internal_access_path': None}


def test_ports_in_use_are_skipped_and_the_range_can_run_out(cconf):
    with socket.create_server(('127.0.0.1', P)):
        assert consoles.free_port(cconf, taken={P + 1}) == P + 2
        with pytest.raises(exception.ConsolePortRangeExhausted):
            consoles.free_port(cconf, taken={P + 1, P + 2, P + 3})
