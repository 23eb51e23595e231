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
    vifs = instance.get('network_info')
    try:
        instance = manager._update(
            context, instance, task_state=task_states.REBUILD_SPAWNING,
            expected_task_state=task_states.REBUILDING)
    except GONE as exc:
        LOG.info('Not rebuilding instance %s: %s', instance['uuid'], exc)
        return
    # The guest is plugged into what the API's cast carried, which the
    # record the conductor answers lacks.
    instance['network_info'] = vifs
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


def snapshot(manager, context, instance, image_id,
             task=task_states.IMAGE_SNAPSHOT):
    """Capture the guest's disk into the queued image ``image_id``; the API
    set ``task`` (``image_snapshot``, or ``image_backup`` for a backup).

    On failure the image is deleted and the instance keeps its state.
    Returns True when the image was made.
    """
    try:
        instance = manager._update(
            context, instance, task_state=task_states.IMAGE_PENDING_UPLOAD,
            expected_task_state=task)
    except GONE as exc:
        LOG.info('Not snapshotting instance %s: %s', instance['uuid'], exc)
        delete_image(manager, context, image_id)
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
        delete_image(manager, context, image_id)
        return
    except Exception as exc:
        # Also a guest missing on the hypervisor (InstanceNotFound): the
        # snapshot fails, its task is cleared, the action records why.
        delete_image(manager, context, image_id)
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
    return True


def backup(manager, context, instance, image_id, backup_type, rotation):
    """A snapshot into the backup image ``image_id``, then the rotation:
    of the instance's backups of ``backup_type``, only the ``rotation``
    newest are kept, as Nova's ``_rotate_backups``."""
    if snapshot(manager, context, instance, image_id,
                task=task_states.IMAGE_BACKUP):
        rotate_backups(manager, context, instance, image_id, backup_type,
                       rotation)


def rotate_backups(manager, context, instance, image_id, backup_type,
                   rotation):
    """Delete the oldest backups beyond ``rotation``; the one just made
    (``image_id``) counts as the newest whatever the clock's precision."""
    others = [i for i in manager.conductor.instance_backups(
        context, instance['uuid'], backup_type) if i != image_id]
    for old in ([image_id] + others)[rotation:]:
        LOG.info('Rotating out backup %s of instance %s', old,
                 instance['uuid'])
        delete_image(manager, context, old)


def delete_image(manager, context, image_id):
    images = manager.driver.image_service
    if images is None:
        return
    try:
        images.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception:  # noqa: BLE001 - report the operation's own error
        LOG.exception('Could not delete image %s', image_id)
