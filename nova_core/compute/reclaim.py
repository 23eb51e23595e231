"""Reclaiming soft-deleted instances, as Nova's ``_reclaim_queued_deletes``.

With ``[DEFAULT] reclaim_instance_interval`` > 0, a server deleted through
the API is only soft-deleted (guest powered off, record kept). Each compute
service periodically asks a conductor for its own soft-deleted instances
deleted at least that long ago and deletes them for good: guest, then
record, through the usual terminate path. Like everything in compute it
goes through the conductor, never the database.
"""
import logging

from nova_core import exception
from nova_core.compute import task_states

LOG = logging.getLogger(__name__)

#: Seconds between checks while soft delete is off: the option is read at
#: every run, so turning it on takes effect within this (Nova's default
#: periodic spacing).
IDLE_SPACING = 60


def spacing(conf):
    """Seconds between two runs of the reclaim task, fixed at start."""
    interval = conf.reclaim_instance_interval
    return interval if interval > 0 else IDLE_SPACING


def reclaim_queued_deletes(manager, context):
    """Delete this host's soft-deleted instances older than the interval.

    :returns: how many were deleted.
    """
    interval = manager.conf.reclaim_instance_interval
    if interval <= 0:
        return 0
    reclaimed = 0
    for instance in manager.conductor.instance_get_reclaimable(
            context, manager.host, interval):
        try:
            instance = manager.conductor.instance_start_reclaim(
                context, instance['uuid'])
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict):
            continue  # restored or deleted meanwhile
        LOG.info('Reclaiming deleted instance %s', instance['uuid'])
        try:
            manager.terminate_instance(context, instance)
        except Exception as exc:  # noqa: BLE001 - try the others, and again
            LOG.warning('Periodic reclaim failed to delete instance %s: %s; '
                        'trying again at the next run', instance['uuid'], exc)
            _retry_later(manager, context, instance)
            continue
        reclaimed += 1
    return reclaimed


def _retry_later(manager, context, instance):
    """Back to soft-deleted with no task, so the next run takes it again
    (if even that fails, the conductor's delete deadline re-drives it)."""
    try:
        manager.conductor.instance_update(
            context, instance['uuid'], {'task_state': None},
            expected_task_state=task_states.DELETING)
    except (exception.InstanceNotFound,
            exception.InstanceTaskStateConflict):
        pass  # deleted or changed meanwhile
    except Exception:  # noqa: BLE001 - the delete deadline covers it
        LOG.exception('Could not put instance %s back for a later reclaim',
                      instance['uuid'])
