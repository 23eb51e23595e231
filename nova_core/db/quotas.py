"""Quota limits as stored, and the usage counts quotas are checked against.

Limits live in ``quotas`` (one project's own), ``project_user_quotas`` (a
user's own within a project) and ``quota_classes`` (the ``default``
class); usage is not stored at all but counted from the rows it
describes, as Nova counts it since Pike: no reservations to leak.
"""
import sqlalchemy as sa

from nova_core.db import models
from nova_core.db.session import reader, transaction

QT = models.Quota.__table__
QCT = models.QuotaClass.__table__
PUQT = models.ProjectUserQuota.__table__
IT = models.Instance.__table__
KT = models.KeyPair.__table__
GT = models.InstanceGroup.__table__
GMT = models.InstanceGroupMember.__table__

_PROJECT = sa.select(QT.c.resource, QT.c.hard_limit).where(
    QT.c.project_id == sa.bindparam('b_project'))
#: The ``default`` class's rows, a project's and one user's, in one
#: statement (scope 0: class, 1: project, 2: user): a quota check reads
#: its limits with one round trip whoever asks. A user of ``None``
#: matches no row.
_SCOPED = sa.union_all(
    sa.select(sa.literal(0).label('scope'), QCT.c.resource,
              QCT.c.hard_limit).where(QCT.c.class_name == 'default'),
    sa.select(sa.literal(1).label('scope'), QT.c.resource,
              QT.c.hard_limit).where(
        QT.c.project_id == sa.bindparam('b_project')),
    sa.select(sa.literal(2).label('scope'), PUQT.c.resource,
              PUQT.c.hard_limit).where(
        PUQT.c.project_id == sa.bindparam('b_project'),
        PUQT.c.user_id == sa.bindparam('b_user')))
_USER_SUMS = sa.select(PUQT.c.resource, sa.func.sum(PUQT.c.hard_limit)).where(
    PUQT.c.project_id == sa.bindparam('b_project'),
    PUQT.c.hard_limit >= 0).group_by(PUQT.c.resource)
_CLASS = sa.select(QCT.c.resource, QCT.c.hard_limit).where(
    QCT.c.class_name == sa.bindparam('b_class'))
_INSTANCES = sa.select(
    sa.func.count(IT.c.id), sa.func.coalesce(sa.func.sum(IT.c.vcpus), 0),
    sa.func.coalesce(sa.func.sum(IT.c.memory_mb), 0)).where(
    IT.c.project_id == sa.bindparam('b_project'), IT.c.deleted == 0)
_USER_INSTANCES = _INSTANCES.where(IT.c.user_id == sa.bindparam('b_user'))
_KEY_PAIRS = sa.select(sa.func.count(KT.c.id)).where(
    KT.c.user_id == sa.bindparam('b_user'), KT.c.deleted == 0)
_GROUPS = sa.select(sa.func.count(GT.c.id)).where(
    GT.c.project_id == sa.bindparam('b_project'), GT.c.deleted == 0)
_USER_GROUPS = _GROUPS.where(GT.c.user_id == sa.bindparam('b_user'))
_MEMBERS = sa.select(sa.func.count(GMT.c.id)).select_from(
    GMT.join(GT, GMT.c.group_id == GT.c.id)).where(
    GT.c.uuid == sa.bindparam('b_group'), GT.c.deleted == 0)


def project_limits(project_id):
    """{resource: limit} a project was given of its own."""
    with reader() as session:
        return dict(session.execute(_PROJECT, {'b_project': project_id}
                                    ).all())


def scoped_limits(project_id, user_id=None):
    """({resource: limit} of the ``default`` quota class, of the
    project's own, of the user's own in that project (empty without
    ``user_id``)), read in one statement."""
    scoped = ({}, {}, {})
    with reader() as session:
        for scope, resource, limit in session.execute(
                _SCOPED, {'b_project': project_id, 'b_user': user_id}):
            scoped[scope][resource] = limit
    return scoped


def user_limit_sums(project_id):
    """{resource: the sum of the (limited) limits its users were given}:
    what a project has handed out to its users, as Nova's "remains"."""
    with reader() as session:
        return {r: int(total) for r, total in session.execute(
            _USER_SUMS, {'b_project': project_id})}


def class_limits(class_name='default'):
    """{resource: limit} of a quota class."""
    with reader() as session:
        return dict(session.execute(_CLASS, {'b_class': class_name}
                                    ).all())


def _upsert(session, table, keys, limits):
    now = models.utcnow()
    where = [table.c[name] == value for name, value in keys.items()]
    have = set(session.execute(sa.select(table.c.resource).where(
        *where)).scalars())
    for resource, limit in limits.items():
        if resource in have:
            session.execute(table.update().where(
                *where, table.c.resource == resource).values(
                hard_limit=limit, updated_at=now))
        else:
            session.execute(table.insert().values(
                dict(keys, resource=resource, hard_limit=limit,
                     created_at=now)))


def _set(table, keys, limits):
    """Upsert in one transaction; when a concurrent writer inserted a row
    first (IntegrityError on the unique key), once more: it is now there
    to update, and a PUT of limits is idempotent."""
    try:
        with transaction() as session:
            _upsert(session, table, keys, limits)
    except sa.exc.IntegrityError:
        with transaction() as session:
            _upsert(session, table, keys, limits)


def set_project_limits(project_id, limits):
    """Create or change a project's own limits, all in one transaction."""
    _set(QT, {'project_id': project_id}, limits)


def set_user_limits(project_id, user_id, limits):
    """Create or change a user's own limits in a project."""
    _set(PUQT, {'project_id': project_id, 'user_id': user_id}, limits)


def set_class_limits(class_name, limits):
    """Create or change the limits of a quota class."""
    _set(QCT, {'class_name': class_name}, limits)


def destroy_project_limits(project_id):
    """Forget a project's own limits and its users' (as Nova does): all
    fall back to the defaults."""
    with transaction() as session:
        session.execute(QT.delete().where(QT.c.project_id == project_id))
        session.execute(PUQT.delete().where(
            PUQT.c.project_id == project_id))


def destroy_user_limits(project_id, user_id):
    """Forget a user's own limits: the project's apply to them again."""
    with transaction() as session:
        session.execute(PUQT.delete().where(
            PUQT.c.project_id == project_id, PUQT.c.user_id == user_id))


def count_instances(project_id, user_id=None):
    """(instances, cores, ram) of the project's servers (of ``user_id``'s
    alone if given) that are not deleted, whatever their state: an errored
    server still counts."""
    query = _INSTANCES if user_id is None else _USER_INSTANCES
    with reader() as session:
        count, cores, ram = session.execute(
            query, {'b_project': project_id, 'b_user': user_id}).one()
    return int(count), int(cores), int(ram)


def count_key_pairs(user_id):
    with reader() as session:
        return session.execute(_KEY_PAIRS, {'b_user': user_id}).scalar_one()


def count_server_groups(project_id, user_id=None):
    """The project's server groups (``user_id``'s alone if given)."""
    query = _GROUPS if user_id is None else _USER_GROUPS
    with reader() as session:
        return session.execute(query, {'b_project': project_id,
                                       'b_user': user_id}).scalar_one()


def count_group_members(group_uuid):
    """Members of the server group of this uuid (0 for no such group)."""
    with reader() as session:
        return session.execute(_MEMBERS, {'b_group': group_uuid}
                               ).scalar_one()
