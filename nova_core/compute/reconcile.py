"""Start-up reconciliation of a compute host with what the database says.

Run once when nova-core-compute starts, before it takes requests: nothing
is left in a task_state that no process is working on, and the recorded
power state matches the hypervisor's.
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
    for uuid in sorted(strangers):
        LOG.warning('Guest %s runs on this hypervisor but no instance of '
                    'this host has that uuid; leaving it alone', uuid)
    return len(instances)


def _settle(manager, context, instance, present):
    conductor, uuid = manager.conductor, instance['uuid']
    if instance['task_state'] == task_states.DELETING:
        LOG.info('Finishing the interrupted delete of %s', uuid)
        manager.driver.destroy(context, instance)
        conductor.instance_destroy(context, uuid)
        return
    if instance['vm_state'] == vm_states.BUILDING:
        LOG.info('Build of %s was interrupted', uuid)
        if present:
            manager.driver.destroy(context, instance)
        conductor.instance_build_failed(
            context, uuid, 'Build of instance %s was interrupted by a '
            'restart of its compute service.' % uuid, None, manager.host)
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
