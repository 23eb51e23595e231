"""Rescue, password and NMI for libvirt guests, as Nova's libvirt driver
does them on one host.

Rescue keeps the guest's domain XML in ``unrescue.xml``, makes the rescue
image's files under ``rescue/`` of the guest's directory, and defines the
domain again booting from the rescue disk with the guest's own disk
attached second (``vdb``) and its interfaces kept; unrescue defines the
kept XML again and removes the rescue files.
"""
import contextlib
import logging
import os
import shutil

import libvirt

from nova_core import exception
from nova_core.image import recorded as recorded_image
from nova_core_drivers.libvirt import guest_files, guest_xml

LOG = logging.getLogger(__name__)

UNRESCUE_XML = 'unrescue.xml'
RESCUE_DIR = 'rescue'


def rescue(drv, context, instance, rescue_image_meta):
    """Boot ``instance`` from ``rescue_image_meta`` with its disk as
    ``vdb``; on failure the original domain is defined again."""
    dom = drv.host.lookup(instance)
    inst_dir = drv._dir(instance)
    kept = os.path.join(inst_dir, UNRESCUE_XML)
    with drv._translated('read domain XML', instance):
        original = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    with open(kept, 'w') as f:
        f.write(original)
    rescue_dir = os.path.join(inst_dir, RESCUE_DIR)
    shutil.rmtree(rescue_dir, ignore_errors=True)
    os.makedirs(rescue_dir, mode=0o755)
    try:
        files = guest_files.prepare(context, drv.image_cache,
                                    drv.image_service, instance,
                                    rescue_image_meta, rescue_dir)
        files.console_log = drv._files(instance).console_log
        xml = guest_xml.rescue_xml(
            guest_xml.domain_xml(instance, rescue_image_meta, files,
                                 drv.lconf.virt_type,
                                 drv.lconf.hw_machine_type,
                                 drv.lconf.default_kernel_cmdline),
            original, drv._files(instance).disk)
        drv._destroy_domain(dom, instance)
        dom = drv._define(instance, xml)
        drv._cold_start(dom, instance)
    except BaseException:
        LOG.warning('Rescue of %s failed; defining it as it was',
                    instance['uuid'])
        with contextlib.suppress(exception.NovaCoreException):
            drv._destroy_domain(drv.host.lookup(instance), instance)
            drv._define(instance, original)
        shutil.rmtree(rescue_dir, ignore_errors=True)
        os.unlink(kept)
        raise
    LOG.info('Rescued instance %s with image %s', instance['uuid'],
             rescue_image_meta.get('id'))


def unrescue(drv, context, instance):
    """Run the original domain again and remove the rescue files."""
    dom = drv.host.lookup(instance)
    inst_dir = drv._dir(instance)
    kept = os.path.join(inst_dir, UNRESCUE_XML)
    try:
        with open(kept) as f:
            original = f.read()
    except FileNotFoundError:
        raise exception.VirtDriverError(
            reason='instance %s has no kept domain to unrescue to'
            % instance['uuid'])
    drv._destroy_domain(dom, instance)
    dom = drv._define(instance, original)
    drv._cold_start(dom, instance)
    shutil.rmtree(os.path.join(inst_dir, RESCUE_DIR), ignore_errors=True)
    os.unlink(kept)
    LOG.info('Unrescued instance %s', instance['uuid'])


def set_admin_password(drv, instance, new_pass):
    """Through the QEMU guest agent, as Nova's: only for images with
    ``hw_qemu_guest_agent``; the user is the image's ``os_admin_user``
    (``root`` by default)."""
    props = recorded_image.from_instance(instance)['properties']
    if not guest_xml.wants_guest_agent(props):
        raise exception.InstanceAgentNotEnabled()
    dom = drv.host.lookup(instance)
    user = props.get('os_admin_user') or 'root'
    try:
        dom.setUserPassword(user, new_pass, 0)
    except libvirt.libvirtError as exc:
        if exc.get_error_code() in (libvirt.VIR_ERR_AGENT_UNRESPONSIVE,
                                    libvirt.VIR_ERR_NO_SUPPORT):
            raise exception.SetAdminPasswdNotImplemented() from exc
        raise exception.InstancePasswordSetFailed(
            instance=instance['uuid'],
            reason='libvirt error %d setting the password of %s'
            % (exc.get_error_code(), user)) from exc


def trigger_crash_dump(drv, instance):
    """``virDomainInjectNMI``, its errors mapped as Nova maps them."""
    dom = drv.host.lookup(instance)
    try:
        dom.injectNMI(0)
    except libvirt.libvirtError as exc:
        code = exc.get_error_code()
        if code == libvirt.VIR_ERR_NO_SUPPORT:
            raise exception.TriggerCrashDumpNotSupported() from exc
        if code == libvirt.VIR_ERR_OPERATION_INVALID:
            raise exception.InstanceNotRunning(
                instance_id=instance['uuid']) from exc
        raise drv._error(exc, 'inject NMI', instance) from exc
