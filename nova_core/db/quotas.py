"""Quota limits as stored, and the usage counts quotas are checked against.

Limits live in ``quotas`` (one project's own) and ``quota_classes`` (the
``default`` class); usage is not stored at all but counted from the rows it
describes, as Nova counts it since Pike: no reservations to leak.
"""
import sqlalchemy as sa

from nova_core.db import models
from nova_core.db.session import reader, transaction

QT = models.Quota.__table__
QCT = models.QuotaClass.__table__
IT = models.Instance.__table__
KT = models.KeyPair.__table__
GT = models.InstanceGroup.__table__
GMT = models.InstanceGroupMember.__table__

_PROJECT = sa.select(QT.c.resource, QT.c.hard_limit).where(
    QT.c.project_id == sa.bindparam('b_project'))
_CLASS = sa.select(QCT.c.resource, QCT.c.hard_limit).where(
    QCT.c.class_name == sa.bindparam('b_class'))
_INSTANCES = sa.select(
    sa.func.count(IT.c.id), sa.func.coalesce(sa.func.sum(IT.c.vcpus), 0),
    sa.func.coalesce(sa.func.sum(IT.c.memory_mb), 0)).where(
    IT.c.project_id == sa.bindparam('b_project'), IT.c.deleted == 0)
_KEY_PAIRS = sa.select(sa.func.count(KT.c.id)).where(
    KT.c.user_id == sa.bindparam('b_user'), KT.c.deleted == 0)
_GROUPS = sa.select(sa.func.count(GT.c.id)).where(
    GT.c.project_id == sa.bindparam('b_project'), GT.c.deleted == 0)
_MEMBERS = sa.select(sa.func.count(GMT.c.id)).select_from(
    GMT.join(GT, GMT.c.group_id == GT.c.id)).where(
    GT.c.uuid == sa.bindparam('b_group'), GT.c.deleted == 0)


def project_limits(project_id):
    """{resource: limit} a project was given of its own."""
    with reader() as session:
        return dict(session.execute(_PROJECT, {'b_project': project_id}
                                    ).all())


def class_limits(class_name='default'):
    """{resource: limit} of a quota class."""
    with reader() as session:
        return dict(session.execute(_CLASS, {'b_class': class_name}
                                    ).all())


def _upsert(session, table, key_column, key, limits):
    now = models.utcnow()
    have = set(session.execute(sa.select(table.c.resource).where(
        key_column == key)).scalars())
    for resource, limit in limits.items():
        if resource in have:
            session.execute(table.update().where(
                key_column == key, table.c.resource == resource).values(
                hard_limit=limit, updated_at=now))
        else:
            session.execute(table.insert().values(
                {key_column.name: key, 'resource': resource,
                 'hard_limit': limit, 'created_at': now}))


def _set(table, key_column, key, limits):
    """Upsert in one transaction; when a concurrent writer inserted a row
    first (IntegrityError on the unique key), once more: it is now there
    to update, and a PUT of limits is idempotent."""
    try:
        with transaction() as session:
            _upsert(session, table, key_column, key, limits)
    except sa.exc.IntegrityError:
        with transaction() as session:
            _upsert(session, table, key_column, key, limits)


def set_project_limits(project_id, limits):
    """Create or change a project's own limits, all in one transaction."""
    _set(QT, QT.c.project_id, project_id, limits)


def set_class_limits(class_name, limits):
    """Create or change the limits of a quota class."""
    _set(QCT, QCT.c.class_name, class_name, limits)


def destroy_project_limits(project_id):
    """Forget a project's own limits: it falls back to the defaults."""
    with transaction() as session:
        session.execute(QT.delete().where(QT.c.project_id == project_id))


def count_instances(project_id):
    """(instances, cores, ram) of the project's servers that are not
    deleted, whatever their state: an errored server still counts."""
    with reader() as session:
        count, cores, ram = session.execute(
            _INSTANCES, {'b_project': project_id}).one()
    return int(count), int(cores), int(ram)


def count_key_pairs(user_id):
    with reader() as session:
        return session.execute(_KEY_PAIRS, {'b_user': user_id}).scalar_one()


def count_server_groups(project_id):
    with reader() as session:
        return session.execute(_GROUPS, {'b_project': project_id}
                               ).scalar_one()


def count_group_members(group_uuid):
    """Members of the server group of this uuid (0 for no such group)."""
    with reader() as session:
        return session.execute(_MEMBERS, {'b_group': group_uuid}
                               ).scalar_one()
