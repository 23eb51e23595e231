"""Resizing a libvirt guest, on its own host only (see the driver's
``capabilities``): the root overlay is copied aside at the start and put
back by a revert, grown by a finish, and dropped by a confirm; the domain
is defined again with the new (or old) vCPUs and memory.
"""
import contextlib
import logging
import os
import shutil

import libvirt

from nova_core import exception
from nova_core_drivers.libvirt import disk, guest_files, guest_xml

LOG = logging.getLogger(__name__)

#: The copy of a guest's root disk kept until a resize is confirmed.
RESIZE_BACKUP = '.resize-orig'


def migrate_disk_and_power_off(drv, context, instance, dest, flavor,
                               timeout=0, retry_interval=0):
    """Power off and keep a copy of the root overlay for a revert."""
    if dest != drv.conf.host:
        raise exception.VirtDriverError(
            reason=f'the libvirt driver resizes only on its own host; '
                   f'it cannot move the disks of {instance["uuid"]} to '
                   f'{dest}')
    if (flavor.get('root_gb') or 0) < (instance.get('root_gb') or 0):
        raise exception.CannotResizeDisk(
            reason='Unable to resize disk down.')
    drv.power_off(instance, timeout, retry_interval)
    path = drv._files(instance).disk
    try:
        shutil.copyfile(path, path + RESIZE_BACKUP)
    except OSError as exc:
        # No half-written copy may pass for the disk at a revert.
        with contextlib.suppress(OSError):
            os.unlink(path + RESIZE_BACKUP)
        raise exception.VirtDriverError(
            reason=f'cannot keep the disk of {instance["uuid"]} for a '
                   f'revert: {exc}') from exc
    return {'disk': path}


def finish_migration(drv, context, migration, instance, disk_info,
                     image_meta, resize_instance, power_on=True):
    """Grow the overlay to the new root disk and redefine the domain
    with the new vCPUs and memory."""
    dom = drv.host.lookup(instance)
    with drv._translated('read domain XML', instance):
        old_xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    path = drv._files(instance).disk
    size = (instance.get('root_gb') or 0) * guest_files.GIB
    try:
        if resize_instance and size > disk.info(path)['virtual-size']:
            disk.resize(path, size)
        dom = _redefine(drv, instance, old_xml)
        if power_on:
            drv._cold_start(dom, instance)
    except BaseException as exc:
        # The instance keeps its old flavor when a resize fails (see
        # conductor.resize): so does the guest, off, on its old disk.
        LOG.warning('Resizing %s failed (%s); putting back its old '
                    'disk and flavor', instance['uuid'], exc)
        _rollback_migration(drv, instance, old_xml)
        raise
    LOG.info('Resized instance %s to flavor %s', instance['uuid'],
             (instance.get('flavor') or {}).get('name'))


def _rollback_migration(drv, instance, old_xml):
    try:
        dom = drv.host.lookup(instance)
        drv._destroy_domain(dom, instance)
        with drv._translated('define domain', instance):
            drv.host.get_connection().defineXML(old_xml)
        path = drv._files(instance).disk
        if os.path.exists(path + RESIZE_BACKUP):
            os.replace(path + RESIZE_BACKUP, path)
    except (exception.NovaCoreException, OSError):
        LOG.exception('Could not put back the old guest of %s',
                      instance['uuid'])


def confirm_migration(drv, context, migration, instance):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(drv._files(instance).disk + RESIZE_BACKUP)


def finish_revert_migration(drv, context, instance, migration,
                            power_on=True):
    """Put the kept disk back and the old vCPUs and memory."""
    dom = drv.host.lookup(instance)
    drv._destroy_domain(dom, instance)
    path = drv._files(instance).disk
    if os.path.exists(path + RESIZE_BACKUP):
        os.replace(path + RESIZE_BACKUP, path)
    else:
        LOG.warning('No disk of %s kept for the revert; it keeps its '
                    'resized disk', instance['uuid'])
    with drv._translated('read domain XML', instance):
        xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    dom = _redefine(drv, instance, xml)
    if power_on:
        drv._cold_start(dom, instance)
    LOG.info('Reverted the resize of instance %s', instance['uuid'])


def _redefine(drv, instance, xml):
    """Define the domain again from its XML ``xml`` with the flavor of
    ``instance``."""
    with drv._translated('define domain', instance):
        return drv.host.get_connection().defineXML(
            guest_xml.with_flavor(xml, instance))
