"""Instances, their faults, and the claims they hold on compute nodes.

A claim exists exactly while an instance has ``host`` set and is not
deleted; placing an instance, clearing its host and deleting it change the
node's ``*_used`` counters in the same transaction.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.compute import vm_states
from nova_core.conf import CONF
from nova_core.db import models, pagination
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

SORT_KEYS = ('created_at', 'updated_at', 'display_name', 'uuid', 'vm_state',
             'task_state', 'power_state', 'host', 'node', 'launched_at',
             'terminated_at', 'hostname', 'availability_zone', 'flavor_id',
             'image_ref', 'key_name', 'locked', 'project_id', 'user_id',
             'launch_index', 'id')


def _as_dict(row):
    """The row as a dict, with its hypervisor ``name`` filled in."""
    values = row.to_dict()
    values['name'] = CONF.instance_name_template % row.id
    return values


def create(values, action=None):
    """Insert instance rows; ``values`` is one dict or a list of dicts.

    ``action``, a dict of ``action``, ``request_id``, ``user_id`` and
    ``project_id``, is recorded for each instance in the same transaction.
    """
    many = isinstance(values, list)
    rows = []
    with transaction() as session:
        for v in (values if many else [values]):
            row = models.Instance(uuid=v.pop('uuid', None) or
                                  str(uuid_lib.uuid4()), **v)
            session.add(row)
            rows.append(row)
            if action is not None:
                session.add(models.InstanceAction(instance_uuid=row.uuid,
                                                  **action))
        session.flush()
        result = [_as_dict(r) for r in rows]
    return result if many else result[0]


def _live(query, read_deleted='no'):
    if read_deleted == 'no':
        return query.where(models.Instance.deleted == 0)
    if read_deleted == 'only':
        return query.where(models.Instance.deleted != 0)
    return query


def get(instance_uuid, read_deleted='no', project_id=None):
    """One instance as a dict.

    :raises: InstanceNotFound, also when it belongs to another project.
    """
    query = _live(sa.select(models.Instance).where(
        models.Instance.uuid == instance_uuid), read_deleted)
    if project_id is not None:
        query = query.where(models.Instance.project_id == project_id)
    with reader() as session:
        row = session.scalars(query).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return _as_dict(row)


def get_all(filters=None, sort_keys=('created_at', 'id'),
            sort_dirs=('desc', 'desc'), limit=None, marker=None):
    """Instances matching ``filters``, sorted and paged.

    Filters: ``project_id``, ``user_id``, ``host``, ``uuids``, ``vm_states``,
    ``task_states`` (None allowed in the list), ``flavor_id``, ``image_ref``,
    ``name_regex`` (applied in Python, as portable regexes differ per
    backend), ``changes_since``, ``changes_before``, ``deleted`` (True:
    also deleted rows), ``reservation_id``, ``availability_zone``,
    ``tags``, ``tags_any``, ``not_tags``, ``not_tags_any`` (lists) and
    ``exact`` ({column: value or list of values}).

    :raises: InstanceNotFound for a marker that is not there (the API turns
        it into 400).
    """
    filters = dict(filters or {})
    M = models.Instance
    query = sa.select(M)
    if not filters.pop('deleted', False):
        query = query.where(M.deleted == 0)
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
        states = filters['task_states']
        known = [s for s in states if s is not None]
        clause = M.task_state.in_(known) if known else sa.false()
        if None in states:
            clause = sa.or_(clause, M.task_state.is_(None))
        query = query.where(clause)
    if filters.get('changes_since') is not None:
        query = query.where(M.updated_at >= filters['changes_since'])
    if filters.get('changes_before') is not None:
        query = query.where(M.updated_at <= filters['changes_before'])
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.scalars(sa.select(M).where(
                M.uuid == marker)).first()
            if marker_row is None:
                raise exception.InstanceNotFound(instance_id=marker)
        post_filter = _python_filter(filters)
        if post_filter is None:
            query = pagination.paginate(query, M, sort_keys, sort_dirs,
                                        marker_row, limit)
            return [_as_dict(r) for r in session.scalars(query)]
        query = pagination.paginate(query, M, sort_keys, sort_dirs,
                                    marker_row)
        rows = [_as_dict(r) for r in session.scalars(query)
                if post_filter(r)]
        return rows if limit is None else rows[:limit]


def _python_filter(filters):
    checks = []
    if filters.get('name_regex') is not None:
        regex = filters['name_regex']
        checks.append(lambda r: regex.search(r.display_name or ''))
    for key, combine in (('tags', all), ('tags_any', any),
                         ('not_tags', lambda i: not all(i)),
                         ('not_tags_any', lambda i: not any(i))):
        if filters.get(key):
            wanted = filters[key]
            checks.append(lambda r, w=wanted, c=combine:
                          c(t in (r.tags or []) for t in w))
    if not checks:
        return None
    return lambda row: all(check(row) for check in checks)


def update(instance_uuid, values, expected_task_state=(),
           expected_vm_state=()):
    """Change an instance, optionally only from the expected states.

    ``expected_task_state`` is a state or a tuple of states (None allowed);
    the check and the change are one UPDATE, so of two racing callers one
    wins and the other gets InstanceTaskStateConflict.

    :raises: InstanceNotFound, InstanceTaskStateConflict.
    """
    M = models.Instance
    stmt = sa.update(M).where(M.uuid == instance_uuid, M.deleted == 0)
    expected = _as_tuple(expected_task_state)
    if expected:
        known = [s for s in expected if s is not None]
        clause = M.task_state.in_(known) if known else sa.false()
        if None in expected:
            clause = sa.or_(clause, M.task_state.is_(None))
        stmt = stmt.where(clause)
    vm_expected = _as_tuple(expected_vm_state)
    if vm_expected:
        stmt = stmt.where(M.vm_state.in_(vm_expected))
    values = dict(values, updated_at=utcnow())
    with transaction() as session:
        if session.execute(stmt.values(**values)).rowcount != 1:
            row = session.scalars(sa.select(M).where(
                M.uuid == instance_uuid, M.deleted == 0)).first()
            if row is None:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            raise exception.InstanceTaskStateConflict(
                instance_uuid=instance_uuid, actual=row.task_state,
                action='update',
                expected=', '.join(map(str, expected + vm_expected)))
        row = session.scalars(sa.select(M).where(
            M.uuid == instance_uuid)).one()
        return _as_dict(row)


def _as_tuple(value):
    """``()`` means no check; ``None`` means "must be None"."""
    return tuple(value) if isinstance(value, (list, tuple, set)) else (value,)


def claim(instance_uuid, node_id, host, node, availability_zone=None):
    """Place an instance on a node if the node has room for it.

    One conditional UPDATE adds the instance's resources to the node's
    counters only while they stay within capacity, so concurrent claims by
    any number of conductors never over-commit a node.

    :returns: True when claimed; False when the node is full.
    :raises: InstanceNotFound if the instance went away meanwhile.
    """
    CN, M = models.ComputeNode, models.Instance
    with transaction() as session:
        inst = session.scalars(sa.select(M).where(
            M.uuid == instance_uuid, M.deleted == 0)).first()
        if inst is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        disk = inst.root_gb + inst.ephemeral_gb
        updated = session.execute(
            sa.update(CN).where(
                CN.id == node_id, CN.deleted == 0,
                CN.vcpus_used + inst.vcpus <=
                (CN.vcpus - CN.reserved_vcpus) * CN.cpu_allocation_ratio,
                CN.memory_mb_used + inst.memory_mb <=
                (CN.memory_mb - CN.reserved_memory_mb) *
                CN.ram_allocation_ratio,
                CN.local_gb_used + disk <=
                (CN.local_gb - CN.reserved_disk_gb) * CN.disk_allocation_ratio,
            ).values(vcpus_used=CN.vcpus_used + inst.vcpus,
                     memory_mb_used=CN.memory_mb_used + inst.memory_mb,
                     local_gb_used=CN.local_gb_used + disk,
                     running_vms=CN.running_vms + 1)).rowcount
        if updated != 1:
            return False
        inst.host, inst.node, inst.updated_at = host, node, utcnow()
        inst.availability_zone = inst.availability_zone or availability_zone
        return True


def _release(session, inst):
    """Give back the resources ``inst`` holds; clears its host and node."""
    if inst.host is None:
        return
    CN = models.ComputeNode
    disk = inst.root_gb + inst.ephemeral_gb
    session.execute(sa.update(CN).where(
        CN.host == inst.host, CN.hypervisor_hostname == inst.node,
        CN.deleted == 0).values(
            vcpus_used=CN.vcpus_used - inst.vcpus,
            memory_mb_used=CN.memory_mb_used - inst.memory_mb,
            local_gb_used=CN.local_gb_used - disk,
            running_vms=CN.running_vms - 1))
    inst.host = inst.node = None


def release_claim(instance_uuid, values=None):
    """Clear an instance's host (a failed build) and apply ``values``."""
    M = models.Instance
    with transaction() as session:
        inst = session.scalars(sa.select(M).where(
            M.uuid == instance_uuid, M.deleted == 0).with_for_update()).first()
        if inst is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        _release(session, inst)
        for key, value in (values or {}).items():
            setattr(inst, key, value)
        inst.updated_at = utcnow()
        return _as_dict(inst)


def destroy(instance_uuid):
    """Soft-delete an instance and give back its claim.

    :raises: InstanceNotFound if it is gone already.
    """
    M = models.Instance
    with transaction() as session:
        inst = session.scalars(sa.select(M).where(
            M.uuid == instance_uuid, M.deleted == 0).with_for_update()).first()
        if inst is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        _release(session, inst)
        now = utcnow()
        inst.deleted, inst.deleted_at, inst.terminated_at = inst.id, now, now
        inst.vm_state, inst.task_state = vm_states.DELETED, None
        inst.updated_at = now
        return _as_dict(inst)


def stuck_builds(older_than):
    """Instances still building that were created before ``older_than``."""
    M = models.Instance
    with reader() as session:
        return [_as_dict(r) for r in session.scalars(sa.select(M).where(
            M.deleted == 0, M.vm_state == vm_states.BUILDING,
            M.created_at < older_than))]


def fault_create(instance_uuid, code, message, details=None, host=None):
    with transaction() as session:
        session.add(models.InstanceFault(
            instance_uuid=instance_uuid, code=code, message=message[:255],
            details=details, host=host))


def faults_latest(instance_uuids):
    """The newest fault of each instance that has one, by uuid."""
    if not instance_uuids:
        return {}
    F = models.InstanceFault
    with reader() as session:
        rows = session.scalars(sa.select(F).where(
            F.instance_uuid.in_(list(instance_uuids))).order_by(
                F.created_at.desc(), F.id.desc()))
        latest = {}
        for row in rows:
            latest.setdefault(row.instance_uuid, row.to_dict())
        return latest

