"""Reconciliation of a compute host with what the database says.

Run once when nova-core-compute starts, before it takes requests: nothing
is left in a task_state that no process is working on, and the recorded
power state matches the hypervisor's. Guests of deleted servers (deleted
while this host was down) are reaped then, and every
``running_deleted_instance_poll_interval`` (Nova's
``running_deleted_instance_action``), so no guest outlives its server.
"""
import logging

from nova_core import exception
from nova_core.compute import power_state, task_states, vm_states

LOG = logging.getLogger(__name__)


def reconcile_host(manager, context):
    """Settle every instance assigned to this host; returns how many."""
    instances = manager.conductor.instance_get_all_by_host(context,
                                                           manager.host)
    on_hypervisor = set(manager.driver.list_instances())
    for instance in instances:
        try:
            _settle(manager, context, instance,
                    instance['uuid'] in on_hypervisor)
        except Exception:  # noqa: BLE001 - one bad instance must not stop start-up
            LOG.exception('Could not reconcile instance %s',
                          instance['uuid'])
    strangers = on_hypervisor - {i['uuid'] for i in instances}
    reaped = {i['uuid'] for i in reap_running_deleted(manager, context,
                                                      strangers)}
    for uuid in sorted(strangers - reaped):
        LOG.warning('Guest %s runs on this hypervisor but no instance of '
                    'this host has that uuid; leaving it alone', uuid)
    return len(instances)


def reap_running_deleted(manager, context, uuids=None):
    """Act on guests whose server is deleted, as
    ``running_deleted_instance_action`` says; returns those instances.

    ``uuids``: the guests to look at (default: all of the hypervisor's).
    Each is handled under its instance lock, so a build or delete under
    way finishes first.
    """
    action = manager.conf.running_deleted_instance_action
    if uuids is None:
        uuids = manager.driver.list_instances()
    if action == 'noop' or not uuids:
        return []
    deleted = manager.conductor.instance_get_deleted(context, sorted(uuids))
    for instance in deleted:
        try:
            with manager.instance_locks(instance['uuid']):
                _act_on_deleted(manager, context, instance, action)
        except Exception:  # noqa: BLE001 - try the others, and again later
            LOG.exception('Could not %s the guest of deleted instance %s',
                          action, instance['uuid'])
    return deleted


def _act_on_deleted(manager, context, instance, action):
    uuid = instance['uuid']
    if uuid not in manager.driver.list_instances():
        return  # its delete finished meanwhile
    if action == 'log':
        LOG.warning('Guest %s runs but its instance is deleted', uuid)
    elif action == 'shutdown':
        LOG.info('Powering off the guest of deleted instance %s', uuid)
        manager.driver.power_off(instance)
    else:
        LOG.info('Destroying the guest of deleted instance %s', uuid)
        manager.driver.destroy(context, instance)


def _settle(manager, context, instance, present):
    conductor, uuid = manager.conductor, instance['uuid']
    if instance['task_state'] == task_states.DELETING:
        LOG.info('Finishing the interrupted delete of %s', uuid)
        manager.driver.destroy(context, instance)
        conductor.instance_destroy(context, uuid)
        return
    if instance['vm_state'] == vm_states.BUILDING:
        # Not started, or its spawn cut short: what a spawn left behind
        # goes, and the build is scheduled again (this host included,
        # since a restart says nothing against it).
        LOG.info('Build of %s was interrupted (%s); re-scheduling it',
                 uuid, instance['task_state'])
        if present:
            manager.driver.destroy(context, instance)
        conductor.reschedule_build(
            context, uuid, manager.host, 'Build of instance %s was '
            'interrupted by a restart of its compute service.' % uuid,
            restarted=True)
        return
    if (not present and instance['vm_state'] == vm_states.ACTIVE and
            manager.conf.resume_guests_state_on_host_boot):
        LOG.info('Resuming guest of %s after host boot', uuid)
        manager.driver.resume_state_on_host_boot(context, instance)
    state = manager.driver.instance_power_state(instance)
    values = {'task_state': None, 'power_state': state}
    if instance['vm_state'] == vm_states.ACTIVE and state in (
            power_state.SHUTDOWN, power_state.CRASHED, power_state.NOSTATE):
        values['vm_state'] = vm_states.STOPPED
    if instance['task_state'] is not None:
        LOG.info('Clearing task_state %s of %s', instance['task_state'], uuid)
    try:
        conductor.instance_update(context, uuid, values)
    except exception.InstanceNotFound:
        pass
