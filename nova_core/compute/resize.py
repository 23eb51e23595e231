"""The compute side of a resize, as Nova splits it between hosts.

* source ``resize_instance``: power the guest off and hand its disk over
  (``migrate_disk_and_power_off``), then cast ``finish_resize`` to the
  destination;
* destination ``finish_resize``: make the guest run with the new flavor
  (``finish_migration``) -> ``vm_state=resized`` (VERIFY_RESIZE);
* source ``confirm_resize``: remove what is left of the old guest
  (``confirm_migration``);
* destination ``revert_resize``: remove the new guest (another host only),
  then source ``finish_revert_resize``: bring the old one back
  (``finish_revert_migration``).

Each step is reported to the conductor (:func:`nova_core.conductor.resize.
step`), which keeps the migration, the instance and the claims in step. A
failure puts the instance in ERROR with a fault, as Nova does.
"""
import logging
import traceback

from nova_core import exception
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.compute import vm_states

LOG = logging.getLogger(__name__)

FLAVOR_FIELDS = ('vcpus', 'memory_mb', 'root_gb', 'ephemeral_gb', 'swap')
GONE = (exception.InstanceNotFound, exception.InstanceTaskStateConflict,
        exception.MigrationStatusConflict)


def _compute_api(manager):
    """The compute RPC client, to hand a step to the other host."""
    api = getattr(manager, '_resize_compute_api', None)
    if api is None:
        api = manager._resize_compute_api = compute_rpcapi.ComputeAPI(
            manager.conf)
    return api


def with_flavor(instance, flavor, host, node):
    """``instance`` as it is with ``flavor`` on ``host``."""
    values = {k: flavor.get(k) or 0 for k in FLAVOR_FIELDS}
    return dict(instance, flavor=flavor, flavor_id=flavor['flavorid'],
                host=host, node=node, **values)


def _step(manager, context, instance, migration, name, **values):
    return manager.conductor.resize_step(
        context, instance['uuid'], migration['id'], name, values or None)


def _failed(manager, context, instance, migration, exc):
    """Record the failure; False if the instance is deleted."""
    LOG.error('Resize of instance %s failed: %s', instance['uuid'], exc)
    message = (exc.format_message() if isinstance(
        exc, exception.NovaCoreException) else str(exc)) or repr(exc)
    try:
        _step(manager, context, instance, migration, 'failed',
              message=message, details=traceback.format_exc(),
              host=manager.host,
              power_state=manager.driver.instance_power_state(instance))
    except exception.InstanceNotFound:
        return False
    return True


def _run(manager, context, instance, migration, work):
    """Run ``work``; a deleted instance or a step taken by another request
    ends it quietly, any other failure (a guest missing on the hypervisor
    too) fails the resize."""
    try:
        return work()
    except exception.InstanceNotFound as exc:
        # The instance deleted (quiet), or its guest missing (a failure).
        if _failed(manager, context, instance, migration, exc):
            raise
        return None
    except GONE as exc:
        LOG.info('Resize of instance %s stopped: %s', instance['uuid'], exc)
        return None
    except Exception as exc:
        _failed(manager, context, instance, migration, exc)
        raise


def resize_instance(manager, context, instance, migration, image_meta):
    """Source host: power off and hand the disk to the destination."""
    def work():
        _step(manager, context, instance, migration, 'migrating')
        disk_info = manager.driver.migrate_disk_and_power_off(
            context, instance, migration['dest_compute'],
            migration['new_flavor'],
            timeout=manager.conf.compute.graceful_shutdown_timeout,
            retry_interval=1)
        _step(manager, context, instance, migration, 'post-migrating')
        return disk_info or {}
    disk_info = _run(manager, context, instance, migration, work)
    if disk_info is not None:
        _compute_api(manager).finish_resize(context, instance, migration,
                                            disk_info, image_meta)


def finish_resize(manager, context, instance, migration, disk_info,
                  image_meta):
    """Destination: run the guest with the new flavor."""
    resized = with_flavor(instance, migration['new_flavor'], manager.host,
                          migration['dest_node'])

    def work():
        _step(manager, context, instance, migration, 'finishing')
        manager.driver.finish_migration(
            context, migration, resized, disk_info, image_meta,
            # A cold migration keeps the flavor: no disk to grow (Nova's
            # ``resize_instance`` is whether the flavor changed).
            resize_instance=(migration['old_flavor'] !=
                             migration['new_flavor']),
            power_on=instance['vm_state'] != vm_states.STOPPED)
        _step(manager, context, instance, migration, 'finished',
              power_state=manager.driver.instance_power_state(resized))
    _run(manager, context, resized, migration, work)


def confirm_resize(manager, context, instance, migration):
    """Source host: remove what is left of the guest there."""
    def work():
        manager.driver.confirm_migration(context, migration, instance)
        _step(manager, context, instance, migration, 'confirmed')
    _run(manager, context, instance, migration, work)


def revert_resize(manager, context, instance, migration):
    """Destination: remove the resized guest unless it is the source too,
    then let the source bring the old one back."""
    def work():
        if not _same_node(migration):
            manager.driver.destroy(context, instance)
        return True
    if _run(manager, context, instance, migration, work):
        source = dict(instance, host=migration['source_compute'])
        _compute_api(manager).finish_revert_resize(context, source,
                                                   migration)


def finish_revert_resize(manager, context, instance, migration):
    """Source host: run the guest again with its old flavor."""
    old = with_flavor(instance, migration['old_flavor'], manager.host,
                      migration['source_node'])
    power_on = (instance['system_metadata'] or {}).get(
        'old_vm_state') != vm_states.STOPPED

    def work():
        manager.driver.finish_revert_migration(context, old, migration,
                                               power_on=power_on)
        _step(manager, context, instance, migration, 'reverted',
              power_state=manager.driver.instance_power_state(old))
    _run(manager, context, old, migration, work)


def _same_node(migration):
    return (migration['source_compute'] == migration['dest_compute'] and
            migration['source_node'] == migration['dest_node'])
