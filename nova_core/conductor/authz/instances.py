"""The rules of the calls about instances: builds, updates, deletes,
faults and action events."""
import sqlalchemy as sa

from nova_core.compute import task_states, vm_states
from nova_core.conductor.authz.checks import (
    MAX_DETAILS,
    POWER_STATES,
    Refused,
    check_fields,
    compute_event,
    event_name,
    in_transaction,
    integer,
    is_caller,
    iso_time,
    lock_instance,
    one_of,
    text,
    uuid_list,
    written_row_is_owned,
)
from nova_core.db import models
from nova_core.db.session import transaction

_AT = models.InstanceAction.__table__
_ET = models.InstanceActionEvent.__table__
_ACTION = sa.select(_AT.c.id).where(
    _AT.c.instance_uuid == sa.bindparam('b_uuid'),
    _AT.c.request_id == sa.bindparam('b_request'))
_OPEN_EVENT = sa.select(_ET.c.id).where(
    _ET.c.action_id.in_(_ACTION.scalar_subquery()),
    _ET.c.event == sa.bindparam('b_event'),
    _ET.c.host == sa.bindparam('b_host'),
    _ET.c.finish_time.is_(None)).limit(1)


def instance_get_all_by_host(ctxt, host, kw):
    is_caller(host, kw.get('host'))


def instance_get_reclaimable(ctxt, host, kw):
    is_caller(host, kw.get('host'))
    if not integer(kw.get('older_than')):
        raise Refused('older_than must be a number of seconds')


def instance_usage_audit(ctxt, host, kw):
    is_caller(host, kw.get('host'))


def instance_get_deleted(ctxt, host, kw):
    """Read only: which of the guests a host runs belong to deleted
    instances (what it reaps)."""
    uuid_list(kw.get('instance_uuids'))


@in_transaction
def instance_start_reclaim(ctxt, host, kw):
    lock_instance(kw.get('instance_uuid'), host)


#: What a compute may write with instance_update, and the checks.
UPDATE_FIELDS = {
    'vm_state': one_of(vm_states.ACTIVE, vm_states.STOPPED,
                        vm_states.PAUSED, vm_states.SUSPENDED,
                        vm_states.SOFT_DELETED, vm_states.RESCUED,
                        vm_states.ERROR),
    'task_state': one_of(None, task_states.SPAWNING,
                          task_states.REBUILD_SPAWNING,
                          task_states.IMAGE_PENDING_UPLOAD,
                          task_states.IMAGE_UPLOADING,
                          task_states.SHELVING_IMAGE_PENDING_UPLOAD,
                          task_states.SHELVING_IMAGE_UPLOADING,
                          task_states.SHELVING_OFFLOADING),
    'power_state': POWER_STATES,
    'launched_at': iso_time,
    'terminated_at': iso_time,
    'deleted_at': one_of(None),  # a restore only
}
#: Values only one step of one operation writes: (field, value) -> the
#: task_states the update must be conditional on (``expected_task_state``).
PURPOSES = {
    ('task_state', task_states.SPAWNING): {task_states.SCHEDULING,
                                           task_states.UNSHELVING},
    ('task_state', task_states.REBUILD_SPAWNING): {task_states.REBUILDING},
    ('task_state', task_states.IMAGE_PENDING_UPLOAD):
        {task_states.IMAGE_SNAPSHOT, task_states.IMAGE_BACKUP},
    ('task_state', task_states.IMAGE_UPLOADING):
        {task_states.IMAGE_PENDING_UPLOAD},
    ('task_state', task_states.SHELVING_IMAGE_PENDING_UPLOAD):
        {task_states.SHELVING},
    ('task_state', task_states.SHELVING_IMAGE_UPLOADING):
        {task_states.SHELVING_IMAGE_PENDING_UPLOAD},
    # The periodic offload of a server shelved long enough.
    ('task_state', task_states.SHELVING_OFFLOADING): {None},
    ('vm_state', vm_states.RESCUED): {task_states.RESCUING},
    ('vm_state', vm_states.SOFT_DELETED): {task_states.SOFT_DELETING},
    ('deleted_at', None): {task_states.RESTORING},
    'launched_at': {task_states.SPAWNING, task_states.REBUILD_SPAWNING},
}
EVENT_FIELDS = {
    'name': compute_event,
    'phase': one_of('start', 'finish'),
    'result': one_of('Success', 'Error'),
    'traceback': lambda v: text(v, MAX_DETAILS, none=True),
    'host': lambda v: True,  # checked against the caller below
}


def _expected(kw):
    value = kw.get('expected_task_state', ())
    return set(value) if isinstance(value, (list, tuple)) else {value}


def _purposes(values, expected):
    for key, value in values.items():
        required = PURPOSES.get((key, value), PURPOSES.get(key))
        if required is not None and not (expected and
                                         expected <= required):
            raise Refused('%s=%r is written only from task_state %s'
                          % (key, value,
                             ' or '.join(sorted(map(str, required)))))


def _event(event, host):
    if event is None:
        return
    check_fields('event', event, EVENT_FIELDS)
    is_caller(host, event.get('host'), 'event host')


@in_transaction
def instance_build_started(ctxt, host, kw):
    """Only the host a build was placed on starts it: the method's UPDATE
    is conditional on ``host`` being the caller."""
    is_caller(host, kw.get('host'))
    _event(kw.get('event'), host)
    return written_row_is_owned(kw.get('instance_uuid'), host)


@in_transaction
def reschedule_build(ctxt, host, kw):
    """Only the host a build was placed on hands it back."""
    is_caller(host, kw.get('host'))
    lock_instance(kw.get('instance_uuid'), host)
    if not text(kw.get('reason'), MAX_DETAILS) or \
            not isinstance(kw.get('restarted', False), bool):
        raise Refused('bad reason or restarted')
    _event(kw.get('event'), host)


@in_transaction
def instance_update(ctxt, host, kw):
    values = kw.get('values')
    check_fields('instance_update', values, UPDATE_FIELDS)
    _purposes(values, _expected(kw))
    _event(kw.get('event'), host)
    return written_row_is_owned(kw.get('instance_uuid'), host)


@in_transaction
def instance_destroy(ctxt, host, kw):
    row = lock_instance(kw.get('instance_uuid'), host)
    if row['task_state'] != task_states.DELETING:
        raise Refused('instance is not being deleted',
                      instance=kw.get('instance_uuid'))


@in_transaction
def instance_build_failed(ctxt, host, kw):
    is_caller(host, kw.get('host'))
    _fault_text(kw)
    _event(kw.get('event'), host)
    row = lock_instance(kw.get('instance_uuid'), host)
    if row['vm_state'] != vm_states.BUILDING:
        raise Refused('instance is not building',
                      instance=kw.get('instance_uuid'))


def _fault_text(kw):
    if not (text(kw.get('message'), MAX_DETAILS) and
            text(kw.get('details'), MAX_DETAILS, none=True)):
        raise Refused('bad fault message or details')


@in_transaction
def instance_fault_create(ctxt, host, kw):
    is_caller(host, kw.get('host'))
    if not integer(kw.get('code'), 100, 599):
        raise Refused('bad fault code')
    _fault_text(kw)
    lock_instance(kw.get('instance_uuid'), host)


@in_transaction
def action_event_start(ctxt, host, kw):
    event_name(kw.get('event'))
    is_caller(host, kw.get('host'))
    lock_instance(kw.get('instance_uuid'), host)


@in_transaction
def action_event_finish(ctxt, host, kw):
    """Also after the instance is gone: the event this host opened (a
    delete's event finishes after the instance's record), or nothing at
    all where the request has no action to record it in."""
    event_name(kw.get('event'))
    if kw.get('result') not in ('Success', 'Error') or not text(
            kw.get('traceback'), MAX_DETAILS, none=True):
        raise Refused('bad event result or traceback')
    uuid = kw.get('instance_uuid')
    params = {'b_uuid': uuid, 'b_request': ctxt.request_id,
              'b_event': kw['event'], 'b_host': host}
    with transaction() as session:
        if session.execute(_ACTION.limit(1), params).first() is None:
            return  # event_finish records nothing without an action
        if session.execute(_OPEN_EVENT, params).first() is not None:
            return
    lock_instance(uuid, host)
