"""Events other services report about this host's instances, as Nova's
compute manager handles them (``external_instance_event``).

=========================  =================================================
``network-changed``        refresh the instance's network information:
                           nova-core's compute keeps no cache of it (the
                           conductor hands the addresses it allocated to
                           each build), so there is nothing stale to drop
``network-vif-plugged``    acknowledged: nova-core plugs a guest's
                           interfaces itself and waits for no one
``power-update`` (2.76)    the guest's power changed outside nova-core:
                           make the hypervisor agree through the driver and
                           record the state (``compute_power_update``)
anything else              logged and ignored, as Nova ignores events no
                           one waits for (volumes, accelerators)
=========================  =================================================

Like the rest of the compute service, state goes to the conductor only,
through methods it already allows a host (``instance_update`` with the
fields a power action writes).
"""
import logging

from nova_core import exception
from nova_core.states import power_state, vm_states

LOG = logging.getLogger(__name__)

POWER_ON, POWER_OFF = 'POWER_ON', 'POWER_OFF'
#: target -> (vm_state and power_state it needs, vm_state it leaves).
_POWER_UPDATES = {
    POWER_ON: ((vm_states.STOPPED, power_state.SHUTDOWN), vm_states.ACTIVE),
    POWER_OFF: ((vm_states.ACTIVE, power_state.RUNNING), vm_states.STOPPED),
}


def handle(manager, context, instances, events):
    """Handle each of ``events`` (dicts with ``name``, ``tag``,
    ``status``, ``instance_uuid``) for its instance in ``instances``."""
    by_uuid = {instance['uuid']: instance for instance in instances}
    for event in events:
        instance = by_uuid.get(event['instance_uuid'])
        if instance is None:
            LOG.warning('Event %s for instance %s, which was not sent '
                        'with it: dropped', event['name'],
                        event['instance_uuid'])
            continue
        LOG.debug('Received event %s-%s for instance %s', event['name'],
                  event.get('tag'), instance['uuid'])
        _HANDLERS.get(event['name'], _unexpected)(manager, context,
                                                  instance, event)


def _network_changed(manager, context, instance, event):
    LOG.info('Instance %s: network changed (%s); the addresses are the '
             "conductor's, read at each build: no cache to refresh",
             instance['uuid'], event.get('tag'))


def _vif_plugged(manager, context, instance, event):
    LOG.debug('Instance %s: interface %s plugged (%s); nothing waits for '
              'it', instance['uuid'], event.get('tag'), event['status'])


def _power_update(manager, context, instance, event):
    try:
        manager.power_update(context, instance,
                             target_power_state=event.get('tag'))
    except Exception:  # noqa: BLE001 - recorded as a fault and an event
        LOG.exception('Instance %s: power-update %s failed',
                      instance['uuid'], event.get('tag'))


def _unexpected(manager, context, instance, event):
    LOG.warning('Received unexpected event %s-%s for instance %s with '
                'vm_state %s and task_state %s.', event['name'],
                event.get('tag'), instance['uuid'], instance['vm_state'],
                instance['task_state'])


_HANDLERS = {
    'network-changed': _network_changed,
    'network-vif-plugged': _vif_plugged,
    'power-update': _power_update,
}


def power_update(manager, context, instance, target):
    """Bring the guest to ``target`` (POWER_ON/POWER_OFF) if the instance
    is in the state that target changes (stopped and shut down, or active
    and running, no task), else a no-op, as Nova's. A task started
    meanwhile (the update is conditional on none) wins: the event was
    preempted."""
    need, vm_state = _POWER_UPDATES.get(target, (None, None))
    have = (instance['vm_state'], instance['power_state'])
    if need is None or instance['task_state'] is not None or have != need:
        LOG.info('The power-update %s event for instance %s is a no-op '
                 'since the instance is in vm_state %s, task_state %s and '
                 'power_state %s.', target, instance['uuid'],
                 instance['vm_state'], instance['task_state'],
                 instance['power_state'])
        return
    try:
        manager.driver.power_update_event(context, instance, target)
    except Exception as exc:
        manager._fail_action(context, instance, exc,
                             expected_task_state=None)
        raise
    try:
        manager.conductor.instance_update(
            context, instance['uuid'], {
                'vm_state': vm_state,
                'power_state': manager.driver.instance_power_state(
                    instance)}, expected_task_state=None)
    except (exception.InstanceNotFound,
            exception.InstanceTaskStateConflict) as exc:
        LOG.info('The power-update event was possibly preempted: %s', exc)
