"""Live migration on the compute hosts, as Nova's: the source host asks
the destination to get ready (``pre_live_migration``, a call), moves the
guest (``driver.live_migration``) and casts
``post_live_migration_at_destination`` to the destination, which runs the
guest and reports the migration ``completed``.

Each step is reported to the conductor (``move_step``); a failure is
reported as the step ``failed``. :mod:`nova_core.compute.evacuate` reports
its steps through :func:`run` and :func:`step` too.
"""
import logging
import traceback

from nova_core import exception
from nova_core.compute import resize

LOG = logging.getLogger(__name__)

#: What tells a step that its instance or migration moved on meanwhile,
#: and the client that hands a step to the other host: a resize's.
GONE = resize.GONE
_compute_api = resize._compute_api


def step(manager, context, instance, migration, name, **values):
    return manager.conductor.move_step(context, instance['uuid'],
                                       migration['id'], name, values or None)


def _message(exc):
    return (exc.format_message() if isinstance(
        exc, exception.NovaCoreException) else str(exc)) or repr(exc)


def _failed(manager, context, instance, migration, exc):
    LOG.error('%s of instance %s failed: %s', migration['migration_type'],
              instance['uuid'], exc)
    try:
        step(manager, context, instance, migration, 'failed',
             message=_message(exc), details=traceback.format_exc(),
             host=manager.host,
             power_state=manager.driver.instance_power_state(instance))
    except GONE:
        pass


def run(manager, context, instance, migration, work):
    """Run ``work`` (of a live migration or an evacuation); a step taken
    meanwhile by another request ends it quietly, any other failure is
    reported and raised."""
    try:
        return work()
    except GONE as exc:
        LOG.info('Move of instance %s stopped: %s', instance['uuid'], exc)
        return None
    except Exception as exc:
        _failed(manager, context, instance, migration, exc)
        raise


# --- live migration --------------------------------------------------------

def live_migration(manager, context, instance, migration):
    """Source host: move the guest to ``migration['dest_compute']``."""
    def work():
        step(manager, context, instance, migration, 'running')
        migrate_data = _compute_api(manager).pre_live_migration(
            context, instance, migration)
        moved = manager.driver.live_migration(context, instance, migration,
                                              migrate_data)
        step(manager, context, instance, migration, 'post-migrating')
        return moved or {}
    moved = run(manager, context, instance, migration, work)
    if moved is not None:
        _compute_api(manager).post_live_migration_at_destination(
            context, instance, migration, moved)


def pre_live_migration(manager, context, instance, migration):
    """Destination: get ready for the guest (an error goes back to the
    source, which reports the failure)."""
    return manager.driver.pre_live_migration(context, instance,
                                             migration) or {}


def post_live_migration_at_destination(manager, context, instance,
                                       migration, migrate_data):
    """Destination: the guest runs here; the instance moves here."""
    moved = dict(instance, host=manager.host, node=migration['dest_node'])

    def work():
        manager.driver.post_live_migration_at_destination(
            context, moved, migration, migrate_data)
        step(manager, context, instance, migration, 'completed',
             power_state=manager.driver.instance_power_state(moved))
    run(manager, context, moved, migration, work)
