"""Guests' addresses in the DHCP of libvirt networks.

A guest on a network with a ``libvirt_network`` gets its address from that
network's dnsmasq: its MAC and address, as the conductor allocated them,
become a ``<host>`` of the network's DHCP (``virNetworkUpdate``), added
before the guest starts and removed when it is destroyed, in the running
network and in its persistent definition alike.
"""
import logging
import xml.etree.ElementTree as ET

import libvirt

from nova_core import exception

LOG = logging.getLogger(__name__)


def _update(conn, network_name, command, host_xml):
    net = conn.networkLookupByName(network_name)
    flags = libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG
    if net.isActive():
        flags |= libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE
    net.update(command, libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
               host_xml, flags)


def _host_xml(mac, address=None, name=None):
    attrs = {'mac': mac}
    if address:
        attrs.update(ip=address, name=name)
    return ET.tostring(ET.Element('host', attrs), encoding='unicode')


def add_hosts(conn, instance):
    """Add the DHCP hosts of ``instance``'s interfaces on libvirt
    networks (an entry left for the same MAC is replaced).

    :raises: VirtDriverError when a network refuses the entry (it does not
        exist, or its subnet does not hold the address).
    """
    for vif in _on_libvirt_networks(instance.get('network_info')):
        add_host(conn, instance, vif)


def add_host(conn, instance, vif):
    """Add the DHCP host of one interface (``vif``) of ``instance``, if
    it is on a libvirt network (see :func:`add_hosts`)."""
    if not _on_libvirt_networks([vif]):
        return
    _remove(conn, vif['libvirt_network'], vif['mac'])
    try:
        _update(conn, vif['libvirt_network'],
                libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                _host_xml(vif['mac'], vif['address'],
                          instance.get('hostname') or instance['name']))
    except libvirt.libvirtError as exc:
        raise exception.VirtDriverError(
            reason='cannot add %s (%s) to the DHCP of libvirt network '
                   '%s: %s' % (vif['address'], vif['mac'],
                               vif['libvirt_network'],
                               exc.get_error_message()))


def remove_host(conn, vif):
    """Remove the DHCP host of interface ``vif``, if it is on a libvirt
    network; one already gone is no error."""
    if _on_libvirt_networks([vif]):
        _remove(conn, vif['libvirt_network'], vif['mac'])


def remove_hosts(conn, interfaces):
    """Remove the DHCP hosts of ``interfaces`` ((libvirt network, MAC)
    pairs); entries already gone are no error."""
    for network_name, mac in interfaces:
        _remove(conn, network_name, mac)


def interfaces_of_domain(domain_xml):
    """(libvirt network, MAC) of each interface of a domain on a libvirt
    network."""
    root = ET.fromstring(domain_xml)
    return [(iface.find('source').get('network'),
             iface.find('mac').get('address'))
            for iface in root.findall("./devices/interface[@type='network']")
            if iface.find('source') is not None and
            iface.find('mac') is not None]


def interfaces_of_instance(instance):
    """(libvirt network, MAC) of each interface ``instance`` is to have
    on a libvirt network."""
    return [(v['libvirt_network'], v['mac'])
            for v in _on_libvirt_networks(instance.get('network_info'))]


def _remove(conn, network_name, mac):
    try:
        _update(conn, network_name, libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE,
                _host_xml(mac))
    except libvirt.libvirtError as exc:
        LOG.debug('No DHCP host %s on libvirt network %s to remove: %s',
                  mac, network_name, exc.get_error_message())


def _on_libvirt_networks(vifs):
    return [v for v in vifs or () if not v.get('bridge') and
            v.get('libvirt_network')]
