"""A guest's files in ``<instances_path>/<uuid>/``.

``disk`` is a qcow2 overlay on the cached base image (sized to the flavor's
root disk), ``kernel`` and ``ramdisk`` are hard links to (or copies of) the
cached kernel and ramdisk images of AMI-style images, and ``console.log`` is
the serial console as virtlogd writes it.
"""
import os
import shutil

from nova_core import exception
from nova_core_drivers.libvirt import disk

#: Image disk formats a guest can boot from, as the qemu format of the data.
DISK_FORMATS = {'qcow2': 'qcow2', 'raw': 'raw', 'ami': 'raw'}
GIB = 1024 ** 3


class GuestFiles:
    """Where a guest's files are."""

    def __init__(self, inst_dir, kernel=None, ramdisk=None):
        self.disk = os.path.join(inst_dir, 'disk')
        self.console_log = os.path.join(inst_dir, 'console.log')
        self.kernel = kernel
        self.ramdisk = ramdisk


def prepare(context, cache, image_service, instance, image_meta, inst_dir):
    """Fetch the images and make the guest's files; returns GuestFiles.

    :raises: ImageUnacceptable, FlavorDiskTooSmall, ImageNotFound,
        ImageChecksumMismatch, ImageServiceError, VirtDriverError.
    """
    fmt = DISK_FORMATS.get(image_meta.get('disk_format'))
    if fmt is None:
        raise exception.ImageUnacceptable(
            image_id=image_meta.get('id'),
            reason=f"disk_format {image_meta.get('disk_format')!r} is not "
                   f"one of {', '.join(DISK_FORMATS)}")
    base = cache.fetch(context, image_meta)
    files = GuestFiles(inst_dir)
    disk.create_overlay(base, fmt, files.disk,
                        root_size(instance, image_meta, base, fmt))
    props = image_meta.get('properties') or {}
    if props.get('kernel_id'):
        files.kernel = _boot_file(context, cache, image_service,
                                  props['kernel_id'], inst_dir, 'kernel')
        if props.get('ramdisk_id'):
            files.ramdisk = _boot_file(context, cache, image_service,
                                       props['ramdisk_id'], inst_dir,
                                       'ramdisk')
    return files


def root_size(instance, image_meta, base, fmt):
    """Bytes of the root overlay (None: as the base); refuses qcow2 data
    that is not a standalone qcow2 file (a backing file could point at any
    file of the host)."""
    info = disk.info(base)
    if fmt == 'qcow2' and (info.get('format') != 'qcow2' or
                           info.get('backing-filename')):
        raise exception.ImageUnacceptable(
            image_id=image_meta['id'],
            reason='qcow2 data is not a standalone qcow2 file')
    root_gb = instance.get('root_gb') or 0
    if not root_gb:
        return None
    if root_gb * GIB < info['virtual-size']:
        raise exception.FlavorDiskTooSmall()
    return root_gb * GIB


def _boot_file(context, cache, image_service, image_id, inst_dir, name):
    src = cache.fetch(context, image_service.show(context, image_id))
    dest = os.path.join(inst_dir, name)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)
        os.chmod(dest, 0o644)
    return dest
