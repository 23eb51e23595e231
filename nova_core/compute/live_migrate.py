"""Live migration and evacuation on the compute hosts.

Live migration, as Nova's: the source host asks the destination to get
ready (``pre_live_migration``, a call), moves the guest
(``driver.live_migration``) and casts ``post_live_migration_at_destination``
to the destination, which runs the guest and reports the migration
``completed``. Evacuation: the destination rebuilds the guest from the
image (:func:`evacuate`); the old host, when its compute starts again,
destroys the guests evacuated away (:func:`destroy_evacuated`).

Each step is reported to the conductor (``move_step``); a failure is
reported as the step ``failed``.
"""
import logging
import traceback

from nova_core import exception
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.compute import vm_states

LOG = logging.getLogger(__name__)

GONE = (exception.InstanceNotFound, exception.InstanceTaskStateConflict,
        exception.MigrationStatusConflict)


def _compute_api(manager):
    api = getattr(manager, '_moves_compute_api', None)
    if api is None:
        api = manager._moves_compute_api = compute_rpcapi.ComputeAPI(
            manager.conf)
    return api


def _step(manager, context, instance, migration, name, **values):
    return manager.conductor.move_step(context, instance['uuid'],
                                       migration['id'], name, values or None)


def _message(exc):
    return (exc.format_message() if isinstance(
        exc, exception.NovaCoreException) else str(exc)) or repr(exc)


def _failed(manager, context, instance, migration, exc):
    LOG.error('%s of instance %s failed: %s', migration['migration_type'],
              instance['uuid'], exc)
    try:
        _step(manager, context, instance, migration, 'failed',
              message=_message(exc), details=traceback.format_exc(),
              host=manager.host,
              power_state=manager.driver.instance_power_state(instance))
    except GONE:
        pass


def _run(manager, context, instance, migration, work):
    """Run ``work``; a step taken meanwhile by another request ends it
    quietly, any other failure is reported and raised."""
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
        _step(manager, context, instance, migration, 'running')
        migrate_data = _compute_api(manager).pre_live_migration(
            context, instance, migration)
        moved = manager.driver.live_migration(context, instance, migration,
                                              migrate_data)
        _step(manager, context, instance, migration, 'post-migrating')
        return moved or {}
    moved = _run(manager, context, instance, migration, work)
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
        _step(manager, context, instance, migration, 'completed',
              power_state=manager.driver.instance_power_state(moved))
    _run(manager, context, moved, migration, work)


# --- evacuation ------------------------------------------------------------

def evacuate(manager, context, instance, migration, image_meta,
             admin_password=None, target_state=None):
    """Destination: build the guest again from its image; it ends in
    ``target_state`` (STOPPED from 2.95) or, before, the state it had
    (an ERROR server comes back ACTIVE, as Nova's rebuild)."""
    vm_state = target_state or (
        vm_states.STOPPED if instance['vm_state'] == vm_states.STOPPED
        else vm_states.ACTIVE)

    def work():
        manager.driver.spawn(context, instance, image_meta,
                             admin_password=admin_password)
        if vm_state == vm_states.STOPPED:
            manager.driver.power_off(instance)
        _step(manager, context, instance, migration, 'done',
              vm_state=vm_state,
              power_state=manager.driver.instance_power_state(instance))
    _run(manager, context, instance, migration, work)


def destroy_evacuated(manager, context):
    """At start, before anything else looks at the guests: destroy those
    evacuated away while this host was down, and report each evacuation
    ``completed`` (Nova's ``_destroy_evacuated_instances``)."""
    guests = manager.driver.list_instances()
    if not guests:
        return []
    migrations = manager.conductor.evacuated_instances(
        context, manager.host, sorted(guests))
    for migration in migrations:
        uuid = migration['instance_uuid']
        LOG.info('Destroying the guest of instance %s, evacuated to %s',
                 uuid, migration['dest_compute'])
        instance = {'uuid': uuid, 'name': 'instance-%s' % uuid,
                    'host': manager.host}
        try:
            with manager.instance_locks(uuid):
                manager.driver.destroy(context, instance)
            manager.conductor.move_step(context, uuid, migration['id'],
                                        'completed')
        except Exception:  # noqa: BLE001 - the others, and again next start
            LOG.exception('Could not clean up evacuated instance %s', uuid)
    return migrations

