"""The rules of the steps of moves compute hosts report: resizes and cold
migrations, live migrations, evacuations, shelving and backups."""
from nova_core.compute import vm_states
from nova_core.conductor.authz.checks import (
    MAX_DETAILS,
    POWER_STATES,
    Refused,
    check_fields,
    in_transaction,
    integer,
    is_caller,
    lock_instance,
    one_of,
    text,
    uuid_list,
)
from nova_core.db import moves as db_moves

_SOURCE, _DEST, _EITHER = 'source', 'dest', 'either'
_POWER = {'power_state': POWER_STATES}
#: What a step that failed carries: the fault, and the host it names
#: (which must be the caller).
_FAILURE = dict(_POWER, message=lambda v: text(v, MAX_DETAILS),
                details=lambda v: text(v, MAX_DETAILS, none=True),
                host=lambda v: True)
#: step -> (which end of the migration reports it, the values it carries)
RESIZE_STEPS = {
    'migrating': (_SOURCE, {}),
    'post-migrating': (_SOURCE, {}),
    'finishing': (_DEST, {}),
    'finished': (_DEST, _POWER),
    'confirmed': (_SOURCE, _POWER),
    'reverted': (_SOURCE, _POWER),
    'failed': (_EITHER, _FAILURE),
}


@in_transaction
def resize_step(ctxt, host, kw):
    uuid, step = kw.get('instance_uuid'), kw.get('step')
    if step not in RESIZE_STEPS:
        raise Refused('unknown resize step %r' % (step,), instance=uuid)
    end, fields = RESIZE_STEPS[step]
    values = kw.get('values') or {}
    check_fields('resize step %s' % step, values, fields)
    if 'host' in values:
        is_caller(host, values['host'])
    _reported_by_its_end(host, _migration_of(kw, uuid), end, step, uuid)


def _migration_of(kw, uuid):
    """The migration ``kw['migration_id']``, which must be of instance
    ``uuid``."""
    if not integer(kw.get('migration_id'), 1):
        raise Refused('bad migration_id', instance=uuid)
    migration = db_moves.get(kw['migration_id'])
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

#: (migration_type, step) -> (which end reports it, the values it carries)
MOVE_STEPS = {
    ('live-migration', 'running'): (_SOURCE, {}),
    ('live-migration', 'post-migrating'): (_SOURCE, {}),
    ('live-migration', 'completed'): (_DEST, _POWER),
    ('live-migration', 'failed'): (_EITHER, _FAILURE),
    ('evacuation', 'done'): (_DEST, dict(_POWER, vm_state=one_of(
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
    check_fields('%s step %s' % key, values, fields)
    if 'host' in values:
        is_caller(host, values['host'])
    _reported_by_its_end(host, migration, end, step, uuid)


def evacuated_instances(ctxt, host, kw):
    """Read only, and only about the calling host's own evacuations
    (the query is ``source_compute = host``)."""
    is_caller(host, kw.get('host'))
    uuid_list(kw.get('instance_uuids'))


# --- shelving and backups --------------------------------------------------

#: step -> the values it carries (see nova_core.conductor.shelve).
SHELVE_STEPS = {
    'shelved': dict(_POWER, image_id=lambda v: text(v, 36),
                    offload=lambda v: isinstance(v, bool)),
    'offloaded': {},
    'unshelved': _POWER,
    'unshelve_failed': _FAILURE,
}


@in_transaction
def shelve_step(ctxt, host, kw):
    """Only the instance's host reports its shelve steps; the step's own
    UPDATE is conditional on the task_state the step follows."""
    uuid, step = kw.get('instance_uuid'), kw.get('step')
    if step not in SHELVE_STEPS:
        raise Refused('unknown shelve step %r' % (step,), instance=uuid)
    values = kw.get('values') or {}
    check_fields('shelve step %s' % step, values, SHELVE_STEPS[step])
    if 'host' in values:
        is_caller(host, values['host'])
    lock_instance(uuid, host)


@in_transaction
def instance_backups(ctxt, host, kw):
    """Read only: the backups of an instance of this host."""
    if not text(kw.get('backup_type')):
        raise Refused('bad backup_type')
    lock_instance(kw.get('instance_uuid'), host)
