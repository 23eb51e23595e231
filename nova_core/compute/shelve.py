"""Shelving on the compute host, as Nova's ``shelve_instance``,
``shelve_offload_instance`` and ``unshelve_instance``.

Shelve: the guest is powered off and its disk captured into the image the
API queued; the server is then SHELVED (its guest and claim stay here)
and, with ``[DEFAULT] shelved_offload_time = 0``, offloaded at once:
the guest is removed and the conductor gives back the claim and clears
the host (SHELVED_OFFLOADED). Unshelve boots the guest again, from the
shelve image on the host the conductor claimed (or powers on the guest
kept here), and deletes that image. Every step that changes the record
goes to the conductor (``shelve_step``), conditional on the task_state.
"""
import datetime
import logging
import traceback

from nova_core import exception
from nova_core.compute import image_ops, task_states, vm_states

LOG = logging.getLogger(__name__)

GONE = image_ops.GONE


def _power_off(manager, instance, clean_shutdown):
    timeout = (manager.conf.compute.graceful_shutdown_timeout
               if clean_shutdown else 0)
    try:
        manager.driver.power_off(instance, timeout=timeout, retry_interval=1)
    except exception.InstanceNotFound:
        LOG.info('Instance %s has no guest: it is off', instance['uuid'])


def _failed(manager, context, instance, exc, expected):
    """As Nova: a failed shelve leaves the server in its state, no task,
    with a fault saying why."""
    manager._fail_action(context, instance, exc, expected_task_state=expected)


def shelve(manager, context, instance, image_id, clean_shutdown=True):
    """Power off, snapshot into ``image_id``, record SHELVED, offload if
    ``shelved_offload_time`` is 0."""
    images = manager.driver.image_service
    expected = (task_states.SHELVING,)
    try:
        _power_off(manager, instance, clean_shutdown)
        manager._update(
            context, instance,
            task_state=task_states.SHELVING_IMAGE_PENDING_UPLOAD,
            expected_task_state=task_states.SHELVING)
        expected = (task_states.SHELVING_IMAGE_PENDING_UPLOAD,)

        def upload(fileobj, disk_format):
            nonlocal expected
            manager._update(
                context, instance,
                task_state=task_states.SHELVING_IMAGE_UPLOADING,
                expected_task_state=task_states.SHELVING_IMAGE_PENDING_UPLOAD)
            expected = (task_states.SHELVING_IMAGE_UPLOADING,)
            if images is None:
                raise exception.VirtDriverError(
                    reason='this compute node has no image client')
            images.upload(context, image_id, fileobj, disk_format)

        manager.driver.snapshot(context, instance, image_id, upload)
    except GONE as exc:
        LOG.info('Instance %s changed while shelving: %s', instance['uuid'],
                 exc)
        image_ops.delete_image(manager, context, image_id)
        return
    except Exception as exc:
        image_ops.delete_image(manager, context, image_id)
        _failed(manager, context, instance, exc, expected)
        raise
    offload = manager.conf.shelved_offload_time == 0
    try:
        instance = manager.conductor.shelve_step(
            context, instance['uuid'], 'shelved', {
                'image_id': image_id, 'offload': offload,
                'power_state': manager.driver.instance_power_state(
                    instance)})
    except GONE as exc:
        LOG.info('Instance %s changed while shelving: %s', instance['uuid'],
                 exc)
        return
    if offload:
        shelve_offload(manager, context, instance, clean_shutdown=False)


def shelve_offload(manager, context, instance, clean_shutdown=True):
    """Remove the guest of a SHELVED server; the conductor gives back the
    claim and clears the host."""
    try:
        _power_off(manager, instance, clean_shutdown)
        manager.driver.destroy(context, instance)
    except Exception as exc:
        _failed(manager, context, instance, exc,
                (task_states.SHELVING_OFFLOADING,))
        raise
    try:
        manager.conductor.shelve_step(context, instance['uuid'], 'offloaded')
    except GONE as exc:
        LOG.info('Instance %s changed while offloading: %s',
                 instance['uuid'], exc)


def unshelve(manager, context, instance, image_meta):
    """Boot the guest from the shelve image ``image_meta`` (an offloaded
    server, placed here by the conductor) or power on the guest kept here
    (``image_meta`` None); then delete the shelve image."""
    offloaded = image_meta is not None
    try:
        if offloaded:
            # The record the conductor answers lacks what the guest is
            # plugged into, which the conductor's cast carried.
            vifs = instance.get('network_info')
            instance = manager._update(
                context, instance, task_state=task_states.SPAWNING,
                expected_task_state=task_states.UNSHELVING)
            instance['network_info'] = vifs
            manager.driver.spawn(context, instance, image_meta)
        else:
            manager.driver.power_on(context, instance)
    except GONE as exc:
        LOG.info('Not unshelving instance %s: %s', instance['uuid'], exc)
        return
    except Exception as exc:
        _unshelve_failed(manager, context, instance, exc, offloaded)
        raise
    image_id = (instance.get('system_metadata') or {}).get(
        'shelved_image_id')
    try:
        manager.conductor.shelve_step(
            context, instance['uuid'], 'unshelved', {
                'power_state': manager.driver.instance_power_state(
                    instance)})
    except GONE as exc:
        LOG.info('Instance %s changed while unshelving: %s',
                 instance['uuid'], exc)
        return
    if image_id:
        image_ops.delete_image(manager, context, image_id)


def _unshelve_failed(manager, context, instance, exc, offloaded):
    """The guest is removed again (an offloaded server gives back the
    claim of this host and stays SHELVED_OFFLOADED, as Nova's)."""
    LOG.exception('Unshelving instance %s failed', instance['uuid'])
    details = traceback.format_exc()
    if offloaded:
        try:
            manager.driver.destroy(context, instance)
        except Exception:  # noqa: BLE001 - report the first error
            LOG.exception('Cleaning up instance %s failed', instance['uuid'])
    message = (exc.format_message() if isinstance(
        exc, exception.NovaCoreException) else str(exc)) or repr(exc)
    try:
        manager.conductor.shelve_step(
            context, instance['uuid'], 'unshelve_failed', {
                'message': message[:65535], 'details': details[:65535],
                'host': manager.host,
                'power_state': manager.driver.instance_power_state(
                    instance)})
    except GONE:
        pass


def poll_shelved(manager, context):
    """Offload the servers shelved here longer than
    ``shelved_offload_time`` seconds (Nova's ``_poll_shelved_instances``);
    returns how many were offloaded."""
    limit = manager.conf.shelved_offload_time
    if limit <= 0:
        return 0
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    count = 0
    for instance in manager.conductor.instance_get_all_by_host(
            context, manager.host):
        shelved_at = (instance.get('system_metadata') or {}).get(
            'shelved_at')
        if (instance['vm_state'] != vm_states.SHELVED or
                instance['task_state'] is not None or not shelved_at):
            continue
        at = datetime.datetime.fromisoformat(shelved_at).replace(
            tzinfo=None)
        if (now - at).total_seconds() < limit:
            continue
        try:
            instance = manager._update(
                context, instance,
                task_state=task_states.SHELVING_OFFLOADING,
                expected_task_state=None)
        except GONE:
            continue
        manager.shelve_offload_instance(context, instance=instance,
                                        clean_shutdown=True)
        count += 1
    return count
