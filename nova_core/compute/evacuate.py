"""Evacuation on the compute hosts: the destination rebuilds the guest
from its image (:func:`evacuate`); the old host, when its compute starts
again, destroys the guests evacuated away while it was down
(:func:`destroy_evacuated`, Nova's ``_destroy_evacuated_instances``). Steps
go to the conductor as the live migration's do (``move_step``)."""
import logging

from nova_core.compute import live_migrate, vm_states

LOG = logging.getLogger(__name__)


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
        live_migrate.step(
            manager, context, instance, migration, 'done',
            vm_state=vm_state,
            power_state=manager.driver.instance_power_state(instance))
    live_migrate.run(manager, context, instance, migration, work)


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

