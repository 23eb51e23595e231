"""Server groups (``instance_groups``) and their members.

A member counts while its instance lives: deleting a server removes its
membership row (:func:`nova_core.db.instances.destroy`), and reads join
live instances anyway, as Nova shows only members that are not deleted.
A deleted group is soft-deleted (quotas count live groups) and loses its
member rows.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models
from nova_core.db.session import reader, transaction

GT = models.InstanceGroup.__table__
GMT = models.InstanceGroupMember.__table__
IT = models.Instance.__table__

_COLUMNS = (GT.c.id, GT.c.uuid, GT.c.name, GT.c.user_id, GT.c.project_id,
            GT.c.policy, GT.c.rules, GT.c.created_at)
_LIVE_MEMBERS = sa.select(GMT.c.group_id, IT.c.uuid, IT.c.host).select_from(
    GMT.join(IT, sa.and_(IT.c.uuid == GMT.c.instance_uuid,
                         IT.c.deleted == 0))).order_by(GMT.c.id)


def create(project_id, user_id, name, policy, rules=None):
    values = {'uuid': str(uuid_lib.uuid4()), 'name': name,
              'project_id': project_id, 'user_id': user_id,
              'policy': policy, 'rules': rules or {},
              'created_at': models.utcnow(), 'deleted': 0}
    with transaction() as session:
        session.execute(GT.insert(), values)
    return dict(values, members=[])


def _with_members(session, rows):
    groups = [dict(r, members=[]) for r in rows]
    by_id = {g['id']: g for g in groups}
    if by_id:
        for row in session.execute(_LIVE_MEMBERS.where(
                GMT.c.group_id.in_(list(by_id)))):
            by_id[row.group_id]['members'].append(row.uuid)
    return groups


def get(group_uuid, project_id=None):
    """The group with its live members' uuids; with ``project_id`` only if
    it is that project's (as Nova scopes non-admin lookups).

    :raises: InstanceGroupNotFound.
    """
    query = sa.select(*_COLUMNS).where(GT.c.uuid == group_uuid,
                                       GT.c.deleted == 0)
    if project_id is not None:
        query = query.where(GT.c.project_id == project_id)
    with reader() as session:
        rows = session.execute(query).mappings().all()
        if not rows:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        return _with_members(session, rows)[0]


def get_all(project_id=None):
    """Live groups, of one project or (None) of all, oldest first."""
    query = sa.select(*_COLUMNS).where(GT.c.deleted == 0).order_by(GT.c.id)
    if project_id is not None:
        query = query.where(GT.c.project_id == project_id)
    with reader() as session:
        return _with_members(session, session.execute(query).mappings())


def destroy(group_uuid):
    """:raises: InstanceGroupNotFound."""
    with transaction() as session:
        pk = session.execute(sa.select(GT.c.id).where(
            GT.c.uuid == group_uuid, GT.c.deleted == 0)).scalar()
        if pk is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        session.execute(GMT.delete().where(GMT.c.group_id == pk))
        session.execute(GT.update().where(GT.c.id == pk).values(
            deleted=pk, deleted_at=models.utcnow()))


def add_members(group_uuid, instance_uuids):
    """Make instances members of a live group.

    :raises: InstanceGroupNotFound.
    """
    with transaction() as session:
        pk = session.execute(sa.select(GT.c.id).where(
            GT.c.uuid == group_uuid, GT.c.deleted == 0)).scalar()
        if pk is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        now = models.utcnow()
        session.execute(GMT.insert(), [
            {'group_id': pk, 'instance_uuid': u, 'created_at': now}
            for u in instance_uuids])


def remove_member(session, instance_uuid):
    """Drop an instance's membership, inside the caller's transaction."""
    session.execute(GMT.delete().where(GMT.c.instance_uuid == instance_uuid))


def group_uuids_of(instance_uuid):
    """The uuids of the live groups an instance belongs to (0 or 1)."""
    with reader() as session:
        return list(session.execute(sa.select(GT.c.uuid).select_from(
            GMT.join(GT, GT.c.id == GMT.c.group_id)).where(
                GMT.c.instance_uuid == instance_uuid,
                GT.c.deleted == 0)).scalars())


def placement_of(instance_uuid, lock=False):
    """The group of an instance as the scheduler needs it: ``uuid``,
    ``policy``, ``rules`` and ``hosts`` ({host: number of the other live
    members placed there}), or None when it is in no group.

    ``lock`` (inside the caller's writing transaction): lock the group row
    (``SELECT ... FOR UPDATE`` on MariaDB/MySQL/PostgreSQL), then read the
    members' hosts with a locking read (current even under REPEATABLE
    READ), so that until the caller commits its claim no other claim for
    the group gets past the lock. SQLite has a single writer, which the
    caller's transaction already is.
    """
    with transaction(writer=lock) as session:
        query = sa.select(GT.c.id, GT.c.uuid, GT.c.policy,
                          GT.c.rules).select_from(
            GMT.join(GT, GT.c.id == GMT.c.group_id)).where(
                GMT.c.instance_uuid == instance_uuid, GT.c.deleted == 0)
        group = session.execute(query).mappings().first()
        if group is None:
            return None
        if lock:
            session.execute(sa.select(GT.c.id).where(
                GT.c.id == group['id']).with_for_update()).all()
        members = sa.select(IT.c.host).select_from(
            GMT.join(IT, sa.and_(IT.c.uuid == GMT.c.instance_uuid,
                                 IT.c.deleted == 0))).where(
            GMT.c.group_id == group['id'], IT.c.host.is_not(None),
            IT.c.uuid != instance_uuid)
        if lock:  # a locking read sees what others committed meanwhile
            members = members.with_for_update(read=True)
        hosts = {}
        for host in session.execute(members).scalars():
            hosts[host] = hosts.get(host, 0) + 1
        return {'uuid': group['uuid'], 'policy': group['policy'],
                'rules': group['rules'] or {}, 'hosts': hosts}
