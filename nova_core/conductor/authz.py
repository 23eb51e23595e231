"""What a verified compute host may ask of the conductor, method by method.

A compute host's calls touch only its own services, compute nodes and
instances (those on the host, or moving to or from it in a resize), and
change only the fields that the call is for. Every rule is a function
``rule(ctxt, host, kwargs)`` that returns quietly or raises
:class:`Refused`; a method without a rule is for controllers only
(``build_instances``, ``migrate_server``, ``live_migrate_instance``,
``evacuate_instance``, the periodic checks, and any
method added later until it is given a rule here).

Most rules read nothing: they compare the call's arguments with the
calling host, and the method then writes only rows of that host (its
``UPDATE ... WHERE host = ...``). Rules marked :func:`in_transaction`
read rows, and the guard runs them and the method in one transaction:

- the hot writes of every boot and power action (``instance_update``,
  ``instance_build_started``) are checked on the row the write itself
  returns, in its transaction, with no statement of the guard's own: the
  rule returns a check that runs after the method, and a refusal there
  rolls the write back. Only a write that failed (the instance is gone or
  in another state) has the guard read the row, to tell a refusal from the
  method's own error;
- the others lock the instance's row (``SELECT ... FOR UPDATE``) before the
  method runs, so it cannot move to another host between the check and the
  change.
"""
import datetime
import ipaddress

import sqlalchemy as sa

from nova_core import exception
from nova_core.compute import power_state, task_states, vm_states
from nova_core.compute.rpcapi import TOPIC as COMPUTE_TOPIC
from nova_core.db import models, moves
from nova_core.db import services as db_services
from nova_core.db.session import transaction

COMPUTE_BINARY = 'nova-compute'
MAX_TEXT = 255
MAX_DETAILS = 65535

_IT, _AT, _ET = (models.Instance.__table__, models.InstanceAction.__table__,
                 models.InstanceActionEvent.__table__)
_OWNER = sa.select(_IT.c.host, _IT.c.task_state, _IT.c.vm_state,
                   _IT.c.deleted).where(
    _IT.c.uuid == sa.bindparam('b_uuid')).with_for_update()
_ACTION = sa.select(_AT.c.id).where(
    _AT.c.instance_uuid == sa.bindparam('b_uuid'),
    _AT.c.request_id == sa.bindparam('b_request'))
_OPEN_EVENT = sa.select(_ET.c.id).where(
    _ET.c.action_id.in_(_ACTION.scalar_subquery()),
    _ET.c.event == sa.bindparam('b_event'),
    _ET.c.host == sa.bindparam('b_host'),
    _ET.c.finish_time.is_(None)).limit(1)


class Refused(Exception):
    """A rule's refusal; ``reason`` is logged and sent back."""

    def __init__(self, reason, instance=None):
        super().__init__(reason)
        self.reason = reason
        self.instance = instance


# --- value checks ----------------------------------------------------------

def _text(value, limit=MAX_TEXT, none=False):
    return (value is None and none) or (isinstance(value, str) and
                                        len(value) <= limit)


def _int(value, low=0, high=2 ** 31 - 1):
    return (isinstance(value, int) and not isinstance(value, bool) and
            low <= value <= high)


def _number(value, low, high):
    return (isinstance(value, (int, float)) and
            not isinstance(value, bool) and low <= value <= high)


def _iso_time(value):
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _one_of(*allowed):
    return lambda value: value in allowed


POWER_STATES = _one_of(*power_state.STATE_MAP)


def _fields(what, values, allowed):
    """``values`` hold only keys of ``allowed``, each value passing its
    check."""
    if not isinstance(values, dict):
        raise Refused('%s must be an object' % what)
    for key, value in values.items():
        check = allowed.get(key)
        if check is None:
            raise Refused('%s may not set %s' % (what, key))
        if not check(value):
            raise Refused('%s: %r is not a valid %s' % (what, value, key))


def _is_caller(host, claimed, what='host'):
    if claimed != host:
        raise Refused('%s %r is not the calling host' % (what, claimed))


def in_transaction(rule):
    """Mark ``rule`` as one that reads rows: the guard runs it and the
    method in one transaction. Such a rule may return a check
    ``check(row)`` that the guard runs after the method, in that
    transaction, on the instance the method returned (``row``), or with
    ``None`` when the method raised InstanceNotFound or
    InstanceTaskStateConflict."""
    rule.in_transaction = True
    return rule


# --- whose instance --------------------------------------------------------

def _uuid(uuid):
    if not isinstance(uuid, str):
        raise Refused('instance_uuid must be a string')
    return uuid


def _owned(uuid, host, on_host):
    """Refuse unless ``host`` is ``on_host`` or an end of the instance's
    resize under way."""
    if on_host == host:
        return
    migration = moves.get_in_progress(uuid)
    if migration is not None and host in (migration['source_compute'],
                                          migration['dest_compute']):
        return
    raise Refused('instance is on host %s' % on_host, instance=uuid)


def _lock_instance(uuid, host):
    """The instance's row, locked, if it is ``host``'s.

    :raises: InstanceNotFound, Refused.
    """
    with transaction() as session:
        row = session.execute(_OWNER, {'b_uuid': _uuid(uuid)}
                              ).mappings().first()
    if row is None or row['deleted']:
        raise exception.InstanceNotFound(instance_id=uuid)
    _owned(uuid, host, row['host'])
    return row


def _written_row_is_owned(uuid, host):
    """The check after a write of instance ``uuid`` (see
    :func:`in_transaction`): the row the write returned is ``host``'s;
    where the write failed, the guard reads whose the instance is, so that
    another host's instance is refused rather than reported on."""
    _uuid(uuid)

    def check(row):
        if row is None:
            _lock_instance(uuid, host)
        else:
            _owned(uuid, host, row['host'])
    return check


def _event_name(event):
    if not (isinstance(event, str) and event.startswith('compute_') and
            len(event) <= MAX_TEXT):
        raise Refused('a compute records only compute_* events')


# --- services and compute nodes --------------------------------------------

def service_register(ctxt, host, kw):
    _is_caller(host, kw.get('host'))
    if kw.get('binary') != COMPUTE_BINARY or kw.get('topic') != \
            COMPUTE_TOPIC:
        raise Refused('a compute host registers only %s on topic %s'
                      % (COMPUTE_BINARY, COMPUTE_TOPIC))
    if not _text(kw.get('availability_zone'), none=True):
        raise Refused('bad availability_zone')


def service_heartbeat(ctxt, host, kw):
    _is_caller(host, kw.get('host'))
    if kw.get('binary') != COMPUTE_BINARY:
        raise Refused('a compute host beats only for %s' % COMPUTE_BINARY)


def service_stopped(ctxt, host, kw):
    """A compute stopping on purpose marks only its own service down."""
    service_heartbeat(ctxt, host, kw)


def _capabilities(value):
    """What the host's driver can do: a few named flags."""
    return (isinstance(value, dict) and len(value) <= 32 and
            all(_text(k, 64) and isinstance(v, bool)
                for k, v in value.items()))


_COUNT = _int
_RATIO = lambda v: _number(v, 0.0001, 1000)  # noqa: E731 - a table entry
RESOURCE_CHECKS = {
    'hypervisor_hostname': lambda v: _text(v) and bool(v),
    'hypervisor_type': _text, 'hypervisor_version': _int,
    'host_ip': lambda v: _text(v, 64, none=True),
    'cpu_info': lambda v: _text(v, MAX_DETAILS, none=True),
    'vcpus': _COUNT, 'memory_mb': _COUNT, 'local_gb': _COUNT,
    'reserved_vcpus': _COUNT, 'reserved_memory_mb': _COUNT,
    'reserved_disk_gb': _COUNT, 'cpu_allocation_ratio': _RATIO,
    'ram_allocation_ratio': _RATIO, 'disk_allocation_ratio': _RATIO,
    'capabilities': _capabilities,
}
assert set(RESOURCE_CHECKS) == set(db_services.RESOURCE_FIELDS)


def compute_node_update(ctxt, host, kw):
    """Only the stored fields are checked; others a driver reports (its
    own ``*_used`` figures) are not stored (claims are the conductor's)."""
    _is_caller(host, kw.get('host'))
    resources = kw.get('resources')
    if not isinstance(resources, dict) or 'hypervisor_hostname' not in \
            resources:
        raise Refused('resources must name the hypervisor_hostname')
    _fields('resources', {k: v for k, v in resources.items()
                          if k in RESOURCE_CHECKS}, RESOURCE_CHECKS)


# --- instances -------------------------------------------------------------

def instance_get_all_by_host(ctxt, host, kw):
    _is_caller(host, kw.get('host'))


def instance_get_reclaimable(ctxt, host, kw):
    _is_caller(host, kw.get('host'))
    if not _int(kw.get('older_than')):
        raise Refused('older_than must be a number of seconds')


def instance_usage_audit(ctxt, host, kw):
    _is_caller(host, kw.get('host'))


#: How many guests one reaping pass may ask about.
MAX_REAP_QUERY = 10000


def instance_get_deleted(ctxt, host, kw):
    """Read only: which of the guests a host runs belong to deleted
    instances (what it reaps)."""
    uuids = kw.get('instance_uuids')
    if not (isinstance(uuids, list) and len(uuids) <= MAX_REAP_QUERY and
            all(_text(u, 36) for u in uuids)):
        raise Refused('instance_uuids must be a list of at most %d uuids'
                      % MAX_REAP_QUERY)


@in_transaction
def instance_start_reclaim(ctxt, host, kw):
    _lock_instance(kw.get('instance_uuid'), host)


#: What a compute may write with instance_update, and the checks.
UPDATE_FIELDS = {
    'vm_state': _one_of(vm_states.ACTIVE, vm_states.STOPPED,
                        vm_states.PAUSED, vm_states.SUSPENDED,
                        vm_states.SOFT_DELETED, vm_states.RESCUED,
                        vm_states.ERROR),
    'task_state': _one_of(None, task_states.SPAWNING,
                          task_states.REBUILD_SPAWNING,
                          task_states.IMAGE_PENDING_UPLOAD,
                          task_states.IMAGE_UPLOADING,
                          task_states.SHELVING_IMAGE_PENDING_UPLOAD,
                          task_states.SHELVING_IMAGE_UPLOADING,
                          task_states.SHELVING_OFFLOADING),
    'power_state': POWER_STATES,
    'launched_at': _iso_time,
    'terminated_at': _iso_time,
    'deleted_at': _one_of(None),  # a restore only
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
    'name': lambda v: isinstance(v, str) and v.startswith('compute_') and
    len(v) <= MAX_TEXT,
    'phase': _one_of('start', 'finish'),
    'result': _one_of('Success', 'Error'),
    'traceback': lambda v: _text(v, MAX_DETAILS, none=True),
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
    _fields('event', event, EVENT_FIELDS)
    _is_caller(host, event.get('host'), 'event host')


@in_transaction
def instance_build_started(ctxt, host, kw):
    """Only the host a build was placed on starts it: the method's UPDATE
    is conditional on ``host`` being the caller."""
    _is_caller(host, kw.get('host'))
    _event(kw.get('event'), host)
    return _written_row_is_owned(kw.get('instance_uuid'), host)


@in_transaction
def reschedule_build(ctxt, host, kw):
    """Only the host a build was placed on hands it back."""
    _is_caller(host, kw.get('host'))
    _lock_instance(kw.get('instance_uuid'), host)
    if not _text(kw.get('reason'), MAX_DETAILS) or \
            not isinstance(kw.get('restarted', False), bool):
        raise Refused('bad reason or restarted')
    _event(kw.get('event'), host)


@in_transaction
def instance_update(ctxt, host, kw):
    values = kw.get('values')
    _fields('instance_update', values, UPDATE_FIELDS)
    _purposes(values, _expected(kw))
    _event(kw.get('event'), host)
    return _written_row_is_owned(kw.get('instance_uuid'), host)


@in_transaction
def instance_destroy(ctxt, host, kw):
    row = _lock_instance(kw.get('instance_uuid'), host)
    if row['task_state'] != task_states.DELETING:
        raise Refused('instance is not being deleted',
                      instance=kw.get('instance_uuid'))


@in_transaction
def instance_build_failed(ctxt, host, kw):
    _is_caller(host, kw.get('host'))
    _fault_text(kw)
    _event(kw.get('event'), host)
    row = _lock_instance(kw.get('instance_uuid'), host)
    if row['vm_state'] != vm_states.BUILDING:
        raise Refused('instance is not building',
                      instance=kw.get('instance_uuid'))


def _fault_text(kw):
    if not (_text(kw.get('message'), MAX_DETAILS) and
            _text(kw.get('details'), MAX_DETAILS, none=True)):
        raise Refused('bad fault message or details')


@in_transaction
def instance_fault_create(ctxt, host, kw):
    _is_caller(host, kw.get('host'))
    if not _int(kw.get('code'), 100, 599):
        raise Refused('bad fault code')
    _fault_text(kw)
    _lock_instance(kw.get('instance_uuid'), host)


@in_transaction
def action_event_start(ctxt, host, kw):
    _event_name(kw.get('event'))
    _is_caller(host, kw.get('host'))
    _lock_instance(kw.get('instance_uuid'), host)


@in_transaction
def action_event_finish(ctxt, host, kw):
    """Also after the instance is gone: the event this host opened (a
    delete's event finishes after the instance's record), or nothing at
    all where the request has no action to record it in."""
    _event_name(kw.get('event'))
    if kw.get('result') not in ('Success', 'Error') or not _text(
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
    _lock_instance(uuid, host)


# --- resizing --------------------------------------------------------------

_SOURCE, _DEST, _EITHER = 'source', 'dest', 'either'
_POWER = {'power_state': POWER_STATES}
#: step -> (which end of the migration reports it, the values it carries)
RESIZE_STEPS = {
    'migrating': (_SOURCE, {}),
    'post-migrating': (_SOURCE, {}),
    'finishing': (_DEST, {}),
    'finished': (_DEST, _POWER),
    'confirmed': (_SOURCE, _POWER),
    'reverted': (_SOURCE, _POWER),
    'failed': (_EITHER, dict(
        _POWER, message=lambda v: _text(v, MAX_DETAILS),
        details=lambda v: _text(v, MAX_DETAILS, none=True),
        host=lambda v: True)),
}


@in_transaction
def resize_step(ctxt, host, kw):
    uuid, step = kw.get('instance_uuid'), kw.get('step')
    if step not in RESIZE_STEPS:
        raise Refused('unknown resize step %r' % (step,), instance=uuid)
    end, fields = RESIZE_STEPS[step]
    values = kw.get('values') or {}
    _fields('resize step %s' % step, values, fields)
    if 'host' in values:
        _is_caller(host, values['host'])
    _reported_by_its_end(host, _migration_of(kw, uuid), end, step, uuid)


def _migration_of(kw, uuid):
    """The migration ``kw['migration_id']``, which must be of instance
    ``uuid``."""
    if not _int(kw.get('migration_id'), 1):
        raise Refused('bad migration_id', instance=uuid)
    migration = moves.get(kw['migration_id'])
    if migration['instance_uuid'] != uuid:
        raise Refused('migration %s is not of this instance'
                      % migration['id'], instance=uuid)
    return migration


def _reported_by_its_end(host, migration, end, step, uuid):
    """``host`` is the end of ``migration`` that reports ``step``."""
    ends = {_SOURCE: (migration['source_compute'],),
            _DEST: (migration['dest_compute'],),
            _EITHER: (migration['source_compute'],
                      migration['dest_compute'])}[end]
    if host not in ends:
        raise Refused('step %s of migration %s is reported by %s'
                      % (step, migration['id'], ' or '.join(map(str, ends))),
                      instance=uuid)


# --- live migration and evacuation ------------------------------------------

_FAILURE = dict(_POWER, message=lambda v: _text(v, MAX_DETAILS),
                details=lambda v: _text(v, MAX_DETAILS, none=True),
                host=lambda v: True)
#: (migration_type, step) -> (which end reports it, the values it carries)
MOVE_STEPS = {
    ('live-migration', 'running'): (_SOURCE, {}),
    ('live-migration', 'post-migrating'): (_SOURCE, {}),
    ('live-migration', 'completed'): (_DEST, _POWER),
    ('live-migration', 'failed'): (_EITHER, _FAILURE),
    ('evacuation', 'done'): (_DEST, dict(_POWER, vm_state=_one_of(
        vm_states.ACTIVE, vm_states.STOPPED))),
    ('evacuation', 'failed'): (_DEST, _FAILURE),
    # The old host, back, destroyed the guest it still had.
    ('evacuation', 'completed'): (_SOURCE, {}),
}


@in_transaction
def move_step(ctxt, host, kw):
    """As :func:`resize_step`, for live migrations and evacuations: the
    step must be one of the migration's type, reported by its end."""
    uuid, step = kw.get('instance_uuid'), kw.get('step')
    migration = _migration_of(kw, uuid)
    key = (migration['migration_type'], step)
    if key not in MOVE_STEPS:
        raise Refused('no step %r in a migration of type %s'
                      % (step, migration['migration_type']), instance=uuid)
    end, fields = MOVE_STEPS[key]
    values = kw.get('values') or {}
    _fields('%s step %s' % key, values, fields)
    if 'host' in values:
        _is_caller(host, values['host'])
    _reported_by_its_end(host, migration, end, step, uuid)


def evacuated_instances(ctxt, host, kw):
    """Read only, and only about the calling host's own evacuations
    (the query is ``source_compute = host``)."""
    _is_caller(host, kw.get('host'))
    uuids = kw.get('instance_uuids')
    if not (isinstance(uuids, list) and len(uuids) <= MAX_REAP_QUERY and
            all(_text(u, 36) for u in uuids)):
        raise Refused('instance_uuids must be a list of at most %d uuids'
                      % MAX_REAP_QUERY)


# --- shelving and backups --------------------------------------------------

_POWER_FIELD = {'power_state': POWER_STATES}
#: step -> the values it carries (see nova_core.conductor.shelve).
SHELVE_STEPS = {
    'shelved': dict(_POWER_FIELD, image_id=lambda v: _text(v, 36),
                    offload=lambda v: isinstance(v, bool)),
    'offloaded': {},
    'unshelved': _POWER_FIELD,
    'unshelve_failed': dict(
        _POWER_FIELD, message=lambda v: _text(v, MAX_DETAILS),
        details=lambda v: _text(v, MAX_DETAILS, none=True),
        host=lambda v: True),
}


@in_transaction
def shelve_step(ctxt, host, kw):
    """Only the instance's host reports its shelve steps; the step's own
    UPDATE is conditional on the task_state the step follows."""
    uuid, step = kw.get('instance_uuid'), kw.get('step')
    if step not in SHELVE_STEPS:
        raise Refused('unknown shelve step %r' % (step,), instance=uuid)
    values = kw.get('values') or {}
    _fields('shelve step %s' % step, values, SHELVE_STEPS[step])
    if 'host' in values:
        _is_caller(host, values['host'])
    _lock_instance(uuid, host)


@in_transaction
def instance_backups(ctxt, host, kw):
    """Read only: the backups of an instance of this host."""
    if not _text(kw.get('backup_type')):
        raise Refused('bad backup_type')
    _lock_instance(kw.get('instance_uuid'), host)


# --- interfaces ------------------------------------------------------------

def _ip(value):
    if not _text(value, 39):
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@in_transaction
def interface_allocate(ctxt, host, kw):
    """A port for an instance of this host, on a network named (the
    method refuses one not configured), with a well-formed address and
    tag (as the API took them)."""
    if not _text(kw.get('network_name')):
        raise Refused('bad network_name')
    if kw.get('fixed_ip') is not None and not _ip(kw['fixed_ip']):
        raise Refused('bad fixed_ip')
    if not _text(kw.get('tag'), 60, none=True):
        raise Refused('bad tag')
    _lock_instance(kw.get('instance_uuid'), host)


@in_transaction
def interface_release(ctxt, host, kw):
    """Only a port of an instance of this host (the method's DELETE is
    of that instance's port alone)."""
    if not _text(kw.get('port_id'), 36):
        raise Refused('bad port_id')
    _lock_instance(kw.get('instance_uuid'), host)


#: method -> rule, for the calls compute hosts make.
COMPUTE_RULES = {
    rule.__name__: rule for rule in (
        service_register, service_heartbeat, compute_node_update,
        service_stopped, instance_get_deleted, instance_build_started,
        reschedule_build,
        instance_get_all_by_host, instance_get_reclaimable,
        instance_usage_audit, instance_start_reclaim, instance_update,
        instance_destroy,
        instance_build_failed, instance_fault_create, action_event_start,
        action_event_finish, resize_step, shelve_step, instance_backups,
        interface_allocate, interface_release, move_step,
        evacuated_instances)}
