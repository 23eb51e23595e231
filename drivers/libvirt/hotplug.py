"""Interfaces attached to and detached from a domain (``os-interface``).

The ``<interface>`` is the one :mod:`.guest_xml` writes at boot. The
persistent definition always changes (the domain is defined again with
the interface added or removed), so the guest boots with it from then
on; a running (or paused) domain also gets it hot-plugged or unplugged
(``virDomainAttachDeviceFlags`` / ``virDomainDetachDeviceFlags`` on the
live domain). An interface on a libvirt network gets its DHCP host first
(:mod:`.dhcp`), removed again when it is detached. A network with neither
bridge nor libvirt network gives the guest no device: its address is only
recorded.
"""
import logging

import libvirt

from nova_core_drivers.libvirt import dhcp, guest_xml

LOG = logging.getLogger(__name__)


def _is_active(driver, dom, instance):
    with driver._translated('read domain state', instance):
        return bool(dom.isActive())


def _persistent_xml(driver, dom, instance):
    with driver._translated('read domain XML', instance):
        return dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)


def attach(driver, instance, vif):
    """:raises: InstanceNotFound, VirtDriverError."""
    dom = driver.host.lookup(instance)
    device = guest_xml.interface_xml(vif)
    if device is None:
        LOG.info('Instance %s: network %s has no bridge nor libvirt '
                 'network; port %s is only recorded', instance['uuid'],
                 vif['network'], vif['port_id'])
        return
    conn = driver.host.get_connection()
    old = _persistent_xml(driver, dom, instance)
    dhcp.add_host(conn, instance, vif)
    try:
        driver._define(instance, guest_xml.with_interface(old, vif))
        if _is_active(driver, dom, instance):
            with driver._translated('attach interface', instance):
                dom.attachDeviceFlags(device, libvirt.VIR_DOMAIN_AFFECT_LIVE)
    except Exception:
        driver._define(instance, old)
        dhcp.remove_host(conn, vif)
        raise


def detach(driver, instance, vif):
    """:raises: InstanceNotFound, VirtDriverError."""
    dom = driver.host.lookup(instance)
    if _is_active(driver, dom, instance):
        with driver._translated('read domain XML', instance):
            live = dom.XMLDesc(0)
        device = guest_xml.find_interface(live, vif['mac'])
        if device is not None:
            with driver._translated('detach interface', instance):
                dom.detachDeviceFlags(device, libvirt.VIR_DOMAIN_AFFECT_LIVE)
    persistent = _persistent_xml(driver, dom, instance)
    if guest_xml.find_interface(persistent, vif['mac']) is not None:
        driver._define(instance, guest_xml.without_interface(
            persistent, vif['mac']))
    dhcp.remove_host(driver.host.get_connection(), vif)
