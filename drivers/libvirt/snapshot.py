"""Snapshots of libvirt guests: the disk flattened into one qcow2 image
while the guest is saved, so the copy is consistent (a "cold" snapshot,
as Nova's fallback), then uploaded.
"""
import contextlib
import logging
import os

import libvirt

from nova_core_drivers.libvirt import disk

LOG = logging.getLogger(__name__)


def snapshot(drv, context, instance, image_id, upload):
    dom = drv.host.lookup(instance)
    state = drv._state(dom, instance)
    snap_dir = os.path.join(drv.instances_path, 'snapshots')
    os.makedirs(snap_dir, mode=0o755, exist_ok=True)
    tmp = os.path.join(snap_dir, f'{image_id}.qcow2')
    try:
        _flatten_disk(drv, dom, instance, state, tmp)
        with open(tmp, 'rb') as f:
            upload(f, 'qcow2')
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    LOG.info('Snapshot of %s uploaded as image %s', instance['uuid'],
             image_id)


def _flatten_disk(drv, dom, instance, state, dest):
    """Copy the guest's disk, with the guest saved meanwhile so the
    copy is consistent (a "cold" snapshot, as Nova's fallback)."""
    live = state in (libvirt.VIR_DOMAIN_RUNNING,
                     libvirt.VIR_DOMAIN_PAUSED)
    paused = state == libvirt.VIR_DOMAIN_PAUSED
    if live:
        with drv._translated('save domain for snapshot', instance):
            dom.managedSave(libvirt.VIR_DOMAIN_SAVE_PAUSED if paused
                            else 0)
    try:
        disk.convert(drv._files(instance).disk, dest)
    finally:
        if live:
            _restore(drv, dom, instance, paused)


def _restore(drv, dom, instance, paused):
    with drv._translated('restore domain after snapshot', instance):
        dom.createWithFlags(0)
        if paused and dom.state()[0] != libvirt.VIR_DOMAIN_PAUSED:
            dom.suspend()
