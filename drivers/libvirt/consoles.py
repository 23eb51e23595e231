"""Interactive consoles of libvirt guests: which ones a new domain gets,
and where a running domain's consoles listen.

With ``[serial_console] enabled`` a guest's first serial port is a TCP
server on ``proxyclient_address`` at a port from ``port_range`` (as
Nova's), still logged to ``console.log`` for os-getConsoleOutput; with
``[vnc] enabled`` it gets a VNC server on ``server_listen`` whose port
libvirt picks. The proxies connect to what :func:`serial_of` and
:func:`vnc_of` read back from the live domain XML.
"""
import collections
import socket
import xml.etree.ElementTree as ET

from nova_core import exception

#: What a new domain gets: ``serial`` (host, port) for a TCP serial
#: console or None; ``vnc_listen`` an address for a VNC server or None.
GuestConsoles = collections.namedtuple('GuestConsoles',
                                       'serial vnc_listen')

NO_CONSOLES = GuestConsoles(None, None)


def port_range(conf):
    low, high = (int(p) for p in conf.serial_console.port_range.split(':'))
    return low, high


def serial_ports(xml):
    """The TCP ports of serial consoles in a domain's XML."""
    root = ET.fromstring(xml)
    return {int(src.get('service'))
            for src in root.findall("devices/serial[@type='tcp']/source")
            if (src.get('service') or '').isdigit()}


def _bindable(host, port):
    try:
        with socket.create_server((host, port)):
            return True
    except OSError:
        return False


def free_port(conf, taken):
    """A port of ``port_range`` that no domain names (``taken``) and that
    nothing listens on now. :raises: ConsolePortRangeExhausted."""
    host = conf.serial_console.proxyclient_address
    low, high = port_range(conf)
    for port in range(low, high + 1):
        if port not in taken and _bindable(host, port):
            return port
    raise exception.ConsolePortRangeExhausted(min_port=low, max_port=high)


def for_new_guest(conf, taken_ports):
    """The consoles of a domain about to be defined."""
    serial = None
    if conf.serial_console.enabled:
        serial = (conf.serial_console.proxyclient_address,
                  free_port(conf, taken_ports))
    vnc = conf.vnc.server_listen if conf.vnc.enabled else None
    return GuestConsoles(serial, vnc)


def serial_of(xml, conf):
    """Connect info of the guest's TCP serial console.
    :raises: ConsoleTypeUnavailable if the domain has none."""
    src = ET.fromstring(xml).find(
        "devices/serial[@type='tcp']/source[@mode='bind']")
    if src is None or not (src.get('service') or '').isdigit():
        raise exception.ConsoleTypeUnavailable(console_type='serial')
    return {'host': conf.serial_console.proxyclient_address,
            'port': int(src.get('service')), 'internal_access_path': None}


def vnc_of(xml, conf):
    """Connect info of the guest's VNC server (a running domain's: the
    port is libvirt's choice). :raises: ConsoleTypeUnavailable if the
    domain has none, or it is not running."""
    graphics = ET.fromstring(xml).find("devices/graphics[@type='vnc']")
    port = graphics.get('port', '-1') if graphics is not None else '-1'
    if not port.isdigit():
        raise exception.ConsoleTypeUnavailable(console_type='novnc')
    return {'host': conf.vnc.server_proxyclient_address, 'port': int(port),
            'internal_access_path': None}
