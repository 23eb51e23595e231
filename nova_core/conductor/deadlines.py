"""Task deadlines: the conductor's periodic check that nothing stays stuck.

Every transitional ``task_state`` has a deadline (``[instance_deadlines]``,
see :mod:`nova_core.states.task_deadlines`). One indexed query finds the
instances whose task has not moved since its deadline; each is resolved to
a defined outcome, conditional on its task_state not having moved
meanwhile, and the outcome is recorded as an event
(``conductor_task_deadline``) of the instance's latest action:

* re-driven where that is safe: a build that never reached a compute host
  is scheduled and cast again (claims released and re-taken), and a
  delete is cast again to its host, or finished here if the host is down;
* otherwise the stable state the server was in, with no task;
* or ERROR with a fault that says what timed out.
"""
import logging

from nova_core import exception
from nova_core.compute import power_state, task_states, vm_states
from nova_core.conductor import build
from nova_core.context import RequestContext
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import moves as db_moves
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.image import recorded as recorded_image
from nova_core.states import task_deadlines

LOG = logging.getLogger(__name__)

EVENT = 'conductor_task_deadline'
#: At most this many overdue tasks are resolved per run; the rest wait for
#: the next one (the oldest go first).
BATCH = 500

#: A guest's last recorded power state -> the stable vm_state it means.
_VM_STATE_OF_POWER = {
    power_state.RUNNING: vm_states.ACTIVE,
    power_state.SHUTDOWN: vm_states.STOPPED,
    power_state.CRASHED: vm_states.STOPPED,
    power_state.PAUSED: vm_states.PAUSED,
    power_state.SUSPENDED: vm_states.SUSPENDED,
}


def resolve_overdue(context, conf, compute_rpcapi, now=None):
    """Resolve every overdue task (up to :data:`BATCH`); returns how many."""
    now = now or utcnow()
    resolved = 0
    for instance in db_instances.overdue(task_deadlines.cutoffs(conf, now),
                                         limit=BATCH):
        try:
            if resolve(conf, compute_rpcapi, instance):
                resolved += 1
        except Exception:  # noqa: BLE001 - one must not stop the others
            LOG.exception('Could not resolve the overdue task %s of '
                          'instance %s', instance['task_state'],
                          instance['uuid'])
    return resolved


def resolve(conf, compute_rpcapi, instance):
    """Resolve one overdue task; False if it moved on meanwhile."""
    state = instance['task_state']
    outcome = task_deadlines.outcome(state)
    message = timed_out_message(conf, instance)
    LOG.warning('%s Outcome: %s', message, outcome)
    ctxt = _action_context(instance['uuid'])
    try:
        _RESOLVERS[outcome](ctxt, conf, compute_rpcapi, instance, message)
    except (exception.InstanceNotFound,
            exception.InstanceTaskStateConflict) as exc:
        LOG.info('Instance %s moved on meanwhile: %s', instance['uuid'], exc)
        return False
    return True


def timed_out_message(conf, instance):
    state = instance['task_state']
    limit = (task_deadlines.seconds(conf, state)
             if state in task_deadlines.TABLE else 0)
    if task_deadlines.outcome(state) in (task_deadlines.RESCHEDULE,
                                         task_deadlines.BUILD):
        return 'Build of instance %s timed out after %d seconds in %s.' % (
            instance['uuid'], limit, state)
    return 'Task %s of instance %s timed out after %d seconds.' % (
        state, instance['uuid'], limit)


# --- the outcomes ---------------------------------------------------------

def _reschedule(ctxt, conf, compute_rpcapi, instance, message):
    """A build that no compute host took: cast it again to its host if
    that is up and it holds a claim there, else schedule it again."""
    host = instance['host']
    if host is not None and _host_up(conf, host):
        instance = _touch(instance)
        _record(ctxt, instance, 'Success', '%s Cast again to host %s.'
                % (message, host), conf.host)
        compute_rpcapi.build_and_run_instance(ctxt, instance,
                                              recorded_image.from_instance(instance))
        return
    _schedule_again(ctxt, conf, compute_rpcapi, instance, message)


def _build(ctxt, conf, compute_rpcapi, instance, message):
    """Spawning past its deadline: elsewhere if its host died, else ERROR."""
    if instance['host'] is None or not _host_up(conf, instance['host']):
        _schedule_again(ctxt, conf, compute_rpcapi, instance, message)
    else:
        _error(ctxt, conf, compute_rpcapi, instance, message, release=True)


def _schedule_again(ctxt, conf, compute_rpcapi, instance, message):
    with db_session.transaction():
        db_instances.update(instance['uuid'],
                            {'task_state': task_states.SCHEDULING},
                            expected_task_state=instance['task_state'])
        instance = db_instances.release_claim(instance['uuid'])
        _record(ctxt, instance, 'Success', '%s Scheduled again.' % message,
                conf.host)
    build.schedule_and_build(ctxt, conf, compute_rpcapi, instance,
                             recorded_image.from_instance(instance),
                             _request_spec(instance))


def _stable(ctxt, conf, compute_rpcapi, instance, message):
    """Back to the state the guest was last recorded in, with no task."""
    state, values = instance['task_state'], {'task_state': None}
    stable = _VM_STATE_OF_POWER.get(instance['power_state'])
    if stable is not None and instance['vm_state'] in (
            vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
            vm_states.SUSPENDED):
        values['vm_state'] = stable
    with db_session.transaction():
        instance = db_instances.update(
            instance['uuid'], values,
            expected_task_state=state)
        if state in (task_states.RESIZE_PREP, task_states.MIGRATING):
            # A resize not started, or a live migration that never ended
            # (the guest stays where the instance is recorded): the
            # migration's claim is given back.
            db_moves.abandon_for_instance(instance['uuid'])
        _record(ctxt, instance, 'Error', '%s Back to %s.' % (
            message, instance['vm_state']), conf.host)


def _error(ctxt, conf, compute_rpcapi, instance, message, release=False):
    with db_session.transaction():
        db_instances.update(instance['uuid'], {
            'vm_state': vm_states.ERROR, 'task_state': None},
            expected_task_state=instance['task_state'])
        if release:
            db_instances.release_claim(instance['uuid'])
        db_instances.fault_create(instance['uuid'], 500, message,
                                  host=instance['host'])
        _record(ctxt, instance, 'Error', message, conf.host)


def _delete(ctxt, conf, compute_rpcapi, instance, message):
    """Cast the delete again to an up host; finish it here otherwise."""
    host = instance['host']
    if host is not None and _host_up(conf, host):
        instance = _touch(instance)
        _record(ctxt, instance, 'Success', '%s Cast again to host %s.'
                % (message, host), conf.host)
        compute_rpcapi.terminate_instance(ctxt, instance)
        return
    with db_session.transaction():
        db_instances.destroy(instance['uuid'])
        _record(ctxt, instance, 'Success', '%s Deleted by the conductor: '
                'host %s is down; it destroys the guest when it is back.'
                % (message, host), conf.host)


_RESOLVERS = {
    task_deadlines.RESCHEDULE: _reschedule,
    task_deadlines.BUILD: _build,
    task_deadlines.STABLE: _stable,
    task_deadlines.ERROR: _error,
    task_deadlines.DELETE: _delete,
}


# --- helpers --------------------------------------------------------------

def _touch(instance):
    """Restart the deadline of a re-driven task (same task_state)."""
    state = instance['task_state']
    return db_instances.update(instance['uuid'], {'task_state': state},
                               expected_task_state=state)


def _host_up(conf, host):
    services = db_services.get_all(binary='nova-compute', host=host)
    return bool(services) and db_services.is_up(services[0],
                                                conf.service_down_time)


def _action_context(instance_uuid):
    """An admin context carrying the request id of the instance's latest
    action, so that events land under it."""
    actions = db_actions.get_all(instance_uuid, limit=1)
    request_id = actions[0]['request_id'] if actions else None
    return RequestContext(is_admin=True, roles=['admin'], overwrite=False,
                          request_id=request_id,
                          user_id=actions[0]['user_id'] if actions else None,
                          project_id=(actions[0]['project_id'] if actions
                                      else None))


def _record(ctxt, instance, result, details, host):
    db_actions.event_finish(instance['uuid'], ctxt.request_id, EVENT,
                            result, details=details, start_time=utcnow(),
                            host=host)


def _request_spec(instance):
    """What the create asked of the scheduler, as recorded with it."""
    meta = instance['system_metadata'] or {}
    return {'availability_zone': meta.get('pinned_availability_zone',
                                          instance['availability_zone']),
            'requested_host': instance.get('requested_host'),
            'scheduler_hints': meta.get('scheduler_hints') or {}}
