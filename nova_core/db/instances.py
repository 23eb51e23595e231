"""Instances, their faults, and the claims they hold on compute nodes.

A claim exists exactly while an instance has ``host`` set and is not
deleted; placing an instance, clearing its host and deleting it change the
node's ``*_used`` counters in the same transaction.

Statements here are Core statements returning plain mappings: they run on
every boot and every API read, where ORM objects cost several times more.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.conf import CONF
from nova_core.db import (
    fixed_ips,
    instance_tags_meta,
    models,
    moves,
    pagination,
)
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error
from nova_core.db.session import reader, transaction
from nova_core.states import task_states, vm_states

M = models.Instance
T = M.__table__
#: Attribute name -> table column (they differ for ``meta``/``metadata``).
_COLUMN_OF = {a.key: a.columns[0] for a in M.__mapper__.column_attrs}
#: Plain table columns labelled by attribute name: selects on them skip the
#: ORM's statement handling entirely.
_COLUMNS = [column.label(key) for key, column in _COLUMN_OF.items()]
_BY_UUID = sa.select(*_COLUMNS).where(T.c.uuid == sa.bindparam('b_uuid'),
                                      T.c.deleted == 0)
_UPDATES = {}
_BY_ID = T.update().where(T.c.id == sa.bindparam('b_id'))
_CLEAR_HOST = T.update().where(T.c.id == sa.bindparam('b_id'),
                               T.c.host == sa.bindparam('b_host'))
CNT = models.ComputeNode.__table__
_CLAIM = CNT.update().where(
    CNT.c.id == sa.bindparam('b_node'), CNT.c.deleted == 0,
    CNT.c.vcpus_used + sa.bindparam('b_vcpus') <=
    (CNT.c.vcpus - CNT.c.reserved_vcpus) * CNT.c.cpu_allocation_ratio,
    CNT.c.memory_mb_used + sa.bindparam('b_ram') <=
    (CNT.c.memory_mb - CNT.c.reserved_memory_mb) * CNT.c.ram_allocation_ratio,
    CNT.c.local_gb_used + sa.bindparam('b_disk') <=
    (CNT.c.local_gb - CNT.c.reserved_disk_gb) * CNT.c.disk_allocation_ratio,
).values(vcpus_used=CNT.c.vcpus_used + sa.bindparam('b_vcpus'),
         memory_mb_used=CNT.c.memory_mb_used + sa.bindparam('b_ram'),
         local_gb_used=CNT.c.local_gb_used + sa.bindparam('b_disk'),
         running_vms=CNT.c.running_vms + 1)
_UNCLAIM = CNT.update().where(
    CNT.c.host == sa.bindparam('b_host'),
    CNT.c.hypervisor_hostname == sa.bindparam('b_hypervisor'),
    CNT.c.deleted == 0,
).values(vcpus_used=CNT.c.vcpus_used - sa.bindparam('b_vcpus'),
         memory_mb_used=CNT.c.memory_mb_used - sa.bindparam('b_ram'),
         local_gb_used=CNT.c.local_gb_used - sa.bindparam('b_disk'),
         running_vms=CNT.c.running_vms - 1)
_INSERT_FAULT = models.InstanceFault.__table__.insert()
_GMT = models.InstanceGroupMember.__table__
_LEAVE_GROUP = _GMT.delete().where(
    _GMT.c.instance_uuid == sa.bindparam('b_uuid'))
_GT = models.InstanceGroup.__table__
_START_BUILD = T.update().where(
    T.c.uuid == sa.bindparam('b_uuid'), T.c.deleted == 0,
    T.c.host == sa.bindparam('b_host'),
    T.c.vm_state == vm_states.BUILDING,
    # spawning: the same start reported again by its host, whose first
    # report's answer was lost (nova_core.compute.reports).
    T.c.task_state.in_([task_states.SCHEDULING, task_states.SPAWNING]))
_TABLE_DEFAULTS = {'ephemeral_gb': 0, 'swap': 0, 'power_state': 0,
                   'meta': {}, 'system_metadata': {}, 'tags': [],
                   'launch_index': 0, 'locked': False, 'progress': 0,
                   'deleted': 0}


def _as_dict(row):
    """A row mapping as a dict, with its hypervisor ``name`` filled in."""
    values = dict(row)
    values['name'] = CONF.instance_name_template % values['id']
    return values


def _select(*where):
    return sa.select(*_COLUMNS).where(*where)


def _one(session, instance_uuid, for_update=False):
    query = _BY_UUID.with_for_update() if for_update else _BY_UUID
    row = session.execute(query, {'b_uuid': instance_uuid}).mappings().first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return row


@retry_on_db_error
def create(values, action=None, group_uuid=None):
    """Insert instance rows; ``values`` is one dict or a list of dicts.

    ``action``, a dict of ``action``, ``request_id``, ``user_id`` and
    ``project_id``, is recorded for each instance in the same transaction,
    and so is their membership of the server group ``group_uuid``: a
    create that fails leaves neither instances nor members behind.

    :raises: InstanceGroupNotFound if the group was deleted meanwhile.
    """
    many = isinstance(values, list)
    now = utcnow()
    rows = [dict(_TABLE_DEFAULTS, created_at=now, **v)
            for v in (values if many else [values])]
    for row in rows:
        row.setdefault('uuid', str(uuid_lib.uuid4()))
    columns = [{_COLUMN_OF[k].name: v for k, v in r.items()} for r in rows]
    with transaction() as session:
        session.execute(T.insert(), columns)
        if action is not None:
            session.execute(models.InstanceAction.__table__.insert(), [
                dict(action, instance_uuid=r['uuid'], start_time=now,
                     created_at=now) for r in rows])
        uuids = [r['uuid'] for r in rows]
        if group_uuid is not None:
            _join_group(session, group_uuid, uuids, now)
        found = {r['uuid']: _as_dict(r) for r in session.execute(
            _select(M.uuid.in_(uuids))).mappings()}
    result = [found[u] for u in uuids]
    return result if many else result[0]


def _join_group(session, group_uuid, uuids, now):
    group_id = session.execute(sa.select(_GT.c.id).where(
        _GT.c.uuid == group_uuid, _GT.c.deleted == 0)).scalar()
    if group_id is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    session.execute(_GMT.insert(), [
        {'group_id': group_id, 'instance_uuid': u, 'created_at': now}
        for u in uuids])


def _live(query, read_deleted='no'):
    if read_deleted == 'no':
        return query.where(M.deleted == 0)
    if read_deleted == 'only':
        return query.where(M.deleted != 0)
    return query


@retry_on_db_error
def get(instance_uuid, read_deleted='no', project_id=None):
    """One instance as a dict.

    :raises: InstanceNotFound, also when it belongs to another project.
    """
    if read_deleted == 'no' and project_id is None:
        with reader() as session:
            return _as_dict(_one(session, instance_uuid))
    query = _live(_select(M.uuid == instance_uuid), read_deleted)
    if project_id is not None:
        query = query.where(M.project_id == project_id)
    with reader() as session:
        row = session.execute(query).mappings().first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return _as_dict(row)


def _where(query, filters):
    for key, column in (('project_id', M.project_id), ('user_id', M.user_id),
                        ('host', M.host), ('flavor_id', M.flavor_id),
                        ('image_ref', M.image_ref), ('node', M.node),
                        ('reservation_id', M.reservation_id),
                        ('availability_zone', M.availability_zone)):
        if filters.get(key) is not None:
            query = query.where(column == filters[key])
    for column, value in (filters.get('exact') or {}).items():
        column = getattr(M, column)
        query = query.where(column.in_(value) if isinstance(value, list)
                            else column == value)
    if filters.get('uuids') is not None:
        query = query.where(M.uuid.in_(filters['uuids']))
    if filters.get('vm_states'):
        query = query.where(M.vm_state.in_(filters['vm_states']))
    if 'task_states' in filters:
        query = query.where(_in_or_null(M.task_state,
                                        filters['task_states']))
    if filters.get('changes_since') is not None:
        query = query.where(M.updated_at >= filters['changes_since'])
    if filters.get('changes_before') is not None:
        query = query.where(M.updated_at <= filters['changes_before'])
    return query.where(*instance_tags_meta.tag_filters(filters))


def _in_or_null(column, values):
    known = [v for v in values if v is not None]
    clause = column.in_(known) if known else sa.false()
    if None in values:
        clause = sa.or_(clause, column.is_(None))
    return clause


@retry_on_db_error
def get_all(filters=None, sort_keys=('created_at', 'id'),
            sort_dirs=('desc', 'desc'), limit=None, marker=None):
    """Instances matching ``filters``, sorted and paged.

    Filters: ``project_id``, ``user_id``, ``host``, ``uuids``, ``vm_states``,
    ``task_states`` (None allowed in the list), ``flavor_id``, ``image_ref``,
    ``name_regex`` (applied in Python, as portable regexes differ per
    backend), ``changes_since``, ``changes_before``, ``deleted`` (True:
    also deleted rows), ``soft_deleted`` (False: without soft-deleted
    rows), ``reservation_id``, ``availability_zone``,
    ``tags``, ``tags_any``, ``not_tags``, ``not_tags_any`` (lists) and
    ``exact`` ({column: value or list of values}).

    :raises: InstanceNotFound for a marker that is not there (the API turns
        it into 400).
    """
    filters = dict(filters or {})
    query = sa.select(*_COLUMNS)
    if not filters.pop('deleted', False):
        query = query.where(M.deleted == 0)
    if filters.pop('soft_deleted', True) is False:
        query = query.where(M.vm_state != vm_states.SOFT_DELETED)
    query = _where(query, filters)
    post_filter = _python_filter(filters)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(_select(
                M.uuid == marker)).mappings().first()
            if marker_row is None:
                raise exception.InstanceNotFound(instance_id=marker)
        query = pagination.paginate(query, M, sort_keys, sort_dirs,
                                    marker_row,
                                    None if post_filter else limit)
        rows = session.execute(query).mappings()
        if post_filter is not None:
            rows = [r for r in rows if post_filter(r)][:limit]
        return [_as_dict(r) for r in rows]


def _python_filter(filters):
    """The filter SQL cannot apply portably (``name_regex``), or None."""
    regex = filters.get('name_regex')
    if regex is None:
        return None
    return lambda row: regex.search(row['display_name'] or '')


@retry_on_db_error
def update(instance_uuid, values, expected_task_state=(),
           expected_vm_state=()):
    """Change an instance, optionally only from the expected states.

    ``expected_task_state`` is a state or a tuple of states (None allowed);
    the check and the change are one UPDATE, so of two racing callers one
    wins and the other gets InstanceTaskStateConflict.

    :raises: InstanceNotFound, InstanceTaskStateConflict.
    """
    expected = _as_tuple(expected_task_state)
    vm_expected = _as_tuple(expected_vm_state)
    known = [s for s in expected if s is not None]
    params = {_COLUMN_OF[k].name: v for k, v in values.items()}
    params.update(updated_at=utcnow(), b_uuid=instance_uuid)
    if known:
        params['b_tasks'] = known
    if vm_expected:
        params['b_vms'] = list(vm_expected)
    stmt = _update_statement(bool(known), None in expected, bool(vm_expected))
    with transaction() as session:
        changed = session.execute(stmt, params).rowcount
        row = _one(session, instance_uuid)
        if changed != 1:
            raise exception.InstanceTaskStateConflict(
                instance_uuid=instance_uuid, actual=row['task_state'],
                action='update',
                expected=', '.join(map(str, expected + vm_expected)))
        return _as_dict(row)


def _update_statement(task_in, task_null, vm_in):
    """The conditional UPDATE for one shape of expectations, built once.

    Core derives the SET clause from the parameters given at execution.
    """
    key = (task_in, task_null, vm_in)
    stmt = _UPDATES.get(key)
    if stmt is None:
        stmt = T.update().where(T.c.uuid == sa.bindparam('b_uuid'),
                                T.c.deleted == 0)
        tasks = T.c.task_state.in_(sa.bindparam('b_tasks', expanding=True))
        if task_in and task_null:
            stmt = stmt.where(sa.or_(tasks, T.c.task_state.is_(None)))
        elif task_in:
            stmt = stmt.where(tasks)
        elif task_null:
            stmt = stmt.where(T.c.task_state.is_(None))
        if vm_in:
            stmt = stmt.where(T.c.vm_state.in_(
                sa.bindparam('b_vms', expanding=True)))
        _UPDATES[key] = stmt
    return stmt


def _as_tuple(value):
    """``()`` means no check; ``None`` means "must be None"."""
    return tuple(value) if isinstance(value, (list, tuple, set)) else (value,)


@retry_on_db_error
def claim(instance_uuid, node_id, host, node, availability_zone=None):
    """Place an instance on a node if the node has room for it.

    One conditional UPDATE adds the instance's resources to the node's
    counters only while they stay within capacity, so concurrent claims by
    any number of conductors never over-commit a node.

    :returns: True when claimed; False when the node is full.
    :raises: InstanceNotFound if the instance went away meanwhile.
    """
    with transaction() as session:
        inst = _one(session, instance_uuid, for_update=True)
        if inst['host'] is not None:
            # Placed already (a redelivered build): claim nothing twice.
            return inst['host'] == host and inst['node'] == node
        resources = _resources(inst)
        if session.execute(_CLAIM, dict(resources, b_node=node_id)
                           ).rowcount != 1:
            return False
        session.execute(_BY_ID, {
            'b_id': inst['id'], 'host': host, 'node': node,
            'updated_at': utcnow(), 'availability_zone':
            inst['availability_zone'] or availability_zone})
        return True


def _resources(inst):
    return {'b_vcpus': inst['vcpus'], 'b_ram': inst['memory_mb'],
            'b_disk': inst['root_gb'] + inst['ephemeral_gb']}


def _release(session, inst):
    """Give back the resources ``inst`` holds, clearing its host and node.

    The host is cleared only if it is still the one read, so the counters
    are given back exactly once.
    """
    if inst['host'] is None:
        return
    if session.execute(_CLEAR_HOST, {'b_id': inst['id'],
                                     'b_host': inst['host'], 'host': None,
                                     'node': None}).rowcount != 1:
        return
    session.execute(_UNCLAIM, dict(_resources(inst), b_host=inst['host'],
                                   b_hypervisor=inst['node']))


@retry_on_db_error
def release_claim(instance_uuid, values=None):
    """Clear an instance's host (a failed build) and apply ``values``."""
    with transaction() as session:
        inst = _one(session, instance_uuid, for_update=True)
        _release(session, inst)
        params = {_COLUMN_OF[k].name: v for k, v in (values or {}).items()}
        session.execute(_BY_ID, dict(params, b_id=inst['id'],
                                     updated_at=utcnow()))
        return _as_dict(_one(session, instance_uuid))


@retry_on_db_error
def lock(instance_uuid):
    """The instance, locked until the caller's transaction ends (call it
    inside one).

    :raises: InstanceNotFound.
    """
    with transaction() as session:
        return _as_dict(_one(session, instance_uuid, for_update=True))


@retry_on_db_error
def start_build(instance_uuid, host):
    """Move a build from ``scheduling`` to ``spawning``, only while it is
    placed on ``host``: a build message that a re-scheduled build left
    queued for the host it had before finds the instance gone elsewhere.
    A build already spawning on ``host`` is accepted again: its host sent
    the start twice (the first answer was lost); a second build message
    for it waits on the host's instance lock until the first build ended.

    :raises: InstanceNotFound, InstanceTaskStateConflict.
    """
    with transaction() as session:
        changed = session.execute(_START_BUILD, {
            'b_uuid': instance_uuid, 'b_host': host,
            'task_state': task_states.SPAWNING,
            'updated_at': utcnow()}).rowcount
        row = _one(session, instance_uuid)
        if changed != 1:
            raise exception.InstanceTaskStateConflict(
                instance_uuid=instance_uuid, actual=row['task_state'],
                action='build on %s (placed on %s)' % (host, row['host']),
                expected=task_states.SCHEDULING)
        return _as_dict(row)


@retry_on_db_error
def destroy(instance_uuid):
    """Soft-delete an instance and give back its claim and addresses.

    :raises: InstanceNotFound if it is gone already.
    """
    with transaction() as session:
        inst = _one(session, instance_uuid, for_update=True)
        _release(session, inst)
        moves.abandon_for_instance(instance_uuid)  # a resize under way
        fixed_ips.release(instance_uuid)  # its addresses, back to the pool
        session.execute(_LEAVE_GROUP, {'b_uuid': instance_uuid})
        now = utcnow()
        session.execute(_BY_ID, {
            'b_id': inst['id'], 'deleted': inst['id'], 'deleted_at': now,
            'terminated_at': now, 'updated_at': now,
            'vm_state': vm_states.DELETED, 'task_state': None})
        return _as_dict(dict(inst, deleted=inst['id'], deleted_at=now,
                             terminated_at=now, updated_at=now,
                             vm_state=vm_states.DELETED, task_state=None,
                             host=None, node=None))


def overdue(cutoffs, limit=None, host=None):
    """Instances whose task has not changed since its state's cutoff.

    ``cutoffs`` maps a task_state to a datetime: an instance in that state
    last changed (``updated_at``, or ``created_at`` if never updated)
    before it is overdue. One query, on the (task_state, updated_at)
    index; oldest first. ``host``: only that compute host's.
    """
    if not cutoffs:
        return []
    query = overdue_query(cutoffs)
    if host is not None:
        query = query.where(M.host == host)
    if limit is not None:
        query = query.limit(limit)
    with reader() as session:
        return [_as_dict(r) for r in session.execute(query).mappings()]


def overdue_query(cutoffs):
    """The statement of :func:`overdue` (without its limit)."""
    by_time = {}
    for state, cutoff in cutoffs.items():
        by_time.setdefault(cutoff, []).append(state)
    clauses = [sa.and_(M.task_state.in_(states), sa.or_(
        M.updated_at < cutoff,
        sa.and_(M.updated_at.is_(None), M.created_at < cutoff)))
        for cutoff, states in by_time.items()]
    return _select(M.deleted == 0, sa.or_(*clauses)).order_by(
        M.updated_at, M.id)


@retry_on_db_error
def fault_create(instance_uuid, code, message, details=None, host=None):
    with transaction() as session:
        session.execute(_INSERT_FAULT, {
            'instance_uuid': instance_uuid, 'code': code,
            'message': message[:255], 'details': details, 'host': host,
            'created_at': utcnow()})


def faults_latest(instance_uuids):
    """The newest fault of each instance that has one, by uuid."""
    if not instance_uuids:
        return {}
    F = models.InstanceFault
    with reader() as session:
        rows = session.execute(sa.select(*F.columns()).where(
            F.instance_uuid.in_(list(instance_uuids))).order_by(
                F.created_at.desc(), F.id.desc())).mappings()
        latest = {}
        for row in rows:
            latest.setdefault(row['instance_uuid'], dict(row))
        return latest
