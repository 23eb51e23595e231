"""Interfaces attached to and detached from a server (``os-interface``).

Attaching asks a conductor for the port (an address and a MAC, allocated
atomically as at build), then has the driver plug it into the guest; if
the driver fails, the port is given back. Detaching unplugs, then gives
the address back; an interface the driver could not unplug keeps it.
"""
import logging

from nova_core import exception
from nova_core.compute.rpcapi import ATTACH_INTERFACE_CAPABILITY

LOG = logging.getLogger(__name__)


def _check_capable(manager, instance):
    if not manager.driver.capabilities.get(ATTACH_INTERFACE_CAPABILITY,
                                         False):
        raise exception.AttachInterfaceNotSupported(
            instance_uuid=instance['uuid'])


def attach(manager, context, instance, network_name, fixed_ip, tag):
    """:returns: the vif of the new interface.

    :raises: AttachInterfaceNotSupported, what the conductor's
        interface_allocate raises, InterfaceAttachFailed.
    """
    _check_capable(manager, instance)
    uuid = instance['uuid']
    vif = manager.conductor.interface_allocate(context, uuid, network_name,
                                               fixed_ip, tag)
    try:
        manager.driver.attach_interface(context, instance, vif)
    except Exception as exc:  # noqa: BLE001 - any failure gives it back
        LOG.exception('Instance %s: attaching port %s failed', uuid,
                      vif['port_id'])
        try:
            manager.conductor.interface_release(context, uuid,
                                                vif['port_id'])
        except exception.PortNotFound:
            pass
        raise exception.InterfaceAttachFailed(instance_uuid=uuid) from exc
    LOG.info('Instance %s: attached port %s (%s on %s)', uuid,
             vif['port_id'], vif['address'], vif['network'])
    return vif


def detach(manager, context, instance, vif):
    """:raises: AttachInterfaceNotSupported, InterfaceDetachFailed."""
    _check_capable(manager, instance)
    uuid = instance['uuid']
    try:
        manager.driver.detach_interface(context, instance, vif)
    except Exception as exc:  # noqa: BLE001 - the port stays attached
        LOG.exception('Instance %s: detaching port %s failed', uuid,
                      vif['port_id'])
        raise exception.InterfaceDetachFailed(instance_uuid=uuid) from exc
    try:
        manager.conductor.interface_release(context, uuid, vif['port_id'])
    except exception.PortNotFound:
        LOG.info('Instance %s: port %s was released already', uuid,
                 vif['port_id'])
    LOG.info('Instance %s: detached port %s', uuid, vif['port_id'])
