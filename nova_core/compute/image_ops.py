"""Rebuild and snapshot on the compute host: the guest's image replaced,
or captured into a new image.

Both start from the task_state the API set (``rebuilding``,
``image_snapshot``) and move through Nova's task_states, each change a
conditional update through the conductor, so a delete that arrives
meanwhile wins.
"""
import logging

from nova_core import exception
from nova_core.compute import task_states, vm_states
from nova_core.utils import utcnow_iso

LOG = logging.getLogger(__name__)

GONE = (exception.InstanceNotFound, exception.InstanceTaskStateConflict)


def rebuild(manager, context, instance, image_meta, admin_password=None,
            preserve_ephemeral=False):
    """Replace the guest by one booted from ``image_meta``; a stopped
    server stays stopped, as in Nova. A failure leaves it in ERROR."""
    stopped = instance['vm_state'] == vm_states.STOPPED
    try:
        instance = manager._update(
            context, instance, task_state=task_states.REBUILD_SPAWNING,
            expected_task_state=task_states.REBUILDING)
    except GONE as exc:
        LOG.info('Not rebuilding instance %s: %s', instance['uuid'], exc)
        return
    try:
        manager.driver.rebuild(context, instance, image_meta,
                               admin_password=admin_password,
                               preserve_ephemeral=preserve_ephemeral)
        if stopped:
            manager.driver.power_off(instance)
    except Exception as exc:
        # A delete that came meanwhile keeps its task_state.
        manager._fail_action(context, instance, exc,
                             vm_state=vm_states.ERROR,
                             expected_task_state=task_states.REBUILD_SPAWNING)
        raise
    try:
        manager._update(
            context, instance,
            vm_state=vm_states.STOPPED if stopped else vm_states.ACTIVE,
            task_state=None,
            power_state=manager.driver.instance_power_state(instance),
            launched_at=utcnow_iso(),
            expected_task_state=task_states.REBUILD_SPAWNING)
    except GONE as exc:
        LOG.info('Instance %s changed while rebuilding: %s',
                 instance['uuid'], exc)


def snapshot(manager, context, instance, image_id):
    """Capture the guest's disk into the queued image ``image_id``.

    On failure the image is deleted and the instance keeps its state.
    """
    try:
        instance = manager._update(
            context, instance, task_state=task_states.IMAGE_PENDING_UPLOAD,
            expected_task_state=task_states.IMAGE_SNAPSHOT)
    except GONE as exc:
        LOG.info('Not snapshotting instance %s: %s', instance['uuid'], exc)
        _delete_image(manager, context, image_id)
        return
    images = manager.driver.image_service

    def upload(fileobj, disk_format):
        manager._update(context, instance,
                        task_state=task_states.IMAGE_UPLOADING,
                        expected_task_state=task_states.IMAGE_PENDING_UPLOAD)
        if images is None:
            raise exception.VirtDriverError(
                reason='this compute node has no image client')
        images.upload(context, image_id, fileobj, disk_format)

    try:
        manager.driver.snapshot(context, instance, image_id, upload)
    except exception.InstanceTaskStateConflict as exc:
        # A delete came meanwhile: it keeps its task_state.
        LOG.info('Instance %s changed while snapshotting: %s',
                 instance['uuid'], exc)
        _delete_image(manager, context, image_id)
        return
    except Exception as exc:
        # Also a guest missing on the hypervisor (InstanceNotFound): the
        # snapshot fails, its task is cleared, the action records why.
        _delete_image(manager, context, image_id)
        manager._fail_action(context, instance, exc, expected_task_state=(
            task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_UPLOADING))
        raise
    try:
        manager._update(
            context, instance, task_state=None,
            power_state=manager.driver.instance_power_state(instance),
            expected_task_state=task_states.IMAGE_UPLOADING)
    except GONE as exc:
        LOG.info('Instance %s changed while snapshotting: %s',
                 instance['uuid'], exc)


def _delete_image(manager, context, image_id):
    images = manager.driver.image_service
    if images is None:
        return
    try:
        images.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception:  # noqa: BLE001 - report the snapshot's own error
        LOG.exception('Could not delete image %s of a failed snapshot',
                      image_id)
