"""Resizes: the ``migrations`` table and the claims a resize holds.

A resize holds two claims, as Placement holds two allocations: the
instance's and the migration's. Until the guest runs on the destination
the instance holds its old flavor on the source and the migration holds
the new flavor on the destination; when the resize finishes they swap, so
the migration holds the old flavor on the source until the resize is
confirmed (given back) or reverted (the instance takes it again and the
destination's claim is given back). On the same node both claims count,
as in Nova, so a resize in place needs room for both flavors.

Statuses: ``pre-migrating`` -> ``migrating`` -> ``post-migrating`` ->
``finished`` -> ``confirming`` -> ``confirmed`` or ``reverting`` ->
``reverted``; ``error`` when the resize failed before it finished.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

MT = models.Migration.__table__
CNT = models.ComputeNode.__table__

#: Statuses in which the migration holds the new flavor on the destination.
BEFORE_FINISH = ('pre-migrating', 'migrating', 'post-migrating')
#: Statuses in which it holds the old flavor on the source.
AFTER_FINISH = ('finished', 'confirming', 'reverting')
#: Statuses of a live migration under way (as Nova's API counts them);
#: in all of them the migration holds the flavor on the destination.
LIVE_IN_PROGRESS = ('queued', 'preparing', 'running', 'post-migrating')
#: Statuses of an evacuation whose guest the source host may still run
#: (what it destroys when it comes back, as Nova's compute start).
EVACUATED = ('accepted', 'pre-migrating', 'done')

_SELECT = sa.select(*MT.c)
_CLAIM = CNT.update().where(
    CNT.c.host == sa.bindparam('b_host'),
    CNT.c.hypervisor_hostname == sa.bindparam('b_node'), CNT.c.deleted == 0,
    CNT.c.vcpus_used + sa.bindparam('b_vcpus') <=
    (CNT.c.vcpus - CNT.c.reserved_vcpus) * CNT.c.cpu_allocation_ratio,
    CNT.c.memory_mb_used + sa.bindparam('b_ram') <=
    (CNT.c.memory_mb - CNT.c.reserved_memory_mb) * CNT.c.ram_allocation_ratio,
    CNT.c.local_gb_used + sa.bindparam('b_disk') <=
    (CNT.c.local_gb - CNT.c.reserved_disk_gb) * CNT.c.disk_allocation_ratio,
).values(vcpus_used=CNT.c.vcpus_used + sa.bindparam('b_vcpus'),
         memory_mb_used=CNT.c.memory_mb_used + sa.bindparam('b_ram'),
         local_gb_used=CNT.c.local_gb_used + sa.bindparam('b_disk'),
         running_vms=CNT.c.running_vms + sa.bindparam('b_vms'))
_UNCLAIM = CNT.update().where(
    CNT.c.host == sa.bindparam('b_host'),
    CNT.c.hypervisor_hostname == sa.bindparam('b_node'), CNT.c.deleted == 0,
).values(vcpus_used=CNT.c.vcpus_used - sa.bindparam('b_vcpus'),
         memory_mb_used=CNT.c.memory_mb_used - sa.bindparam('b_ram'),
         local_gb_used=CNT.c.local_gb_used - sa.bindparam('b_disk'),
         running_vms=CNT.c.running_vms - sa.bindparam('b_vms'))


def _resources(flavor, same_node):
    return {'b_vcpus': flavor['vcpus'], 'b_ram': flavor['memory_mb'],
            'b_disk': (flavor.get('root_gb') or 0) +
            (flavor.get('ephemeral_gb') or 0),
            'b_vms': 0 if same_node else 1}


def same_node(migration):
    return (migration['source_compute'] == migration['dest_compute'] and
            migration['source_node'] == migration['dest_node'])


def create(values):
    """Record a migration (status ``pre-migrating`` unless given)."""
    now = utcnow()
    row = dict(values, uuid=values.get('uuid') or str(uuid_lib.uuid4()),
               created_at=now)
    row.setdefault('status', 'pre-migrating')
    row.setdefault('migration_type', 'resize')
    with transaction() as session:
        session.execute(MT.insert(), row)
        return dict(session.execute(_SELECT.where(
            MT.c.uuid == row['uuid'])).mappings().one())


def get(migration_id):
    """:raises: MigrationNotFound."""
    with reader() as session:
        row = session.execute(_SELECT.where(
            MT.c.id == migration_id)).mappings().first()
    if row is None:
        raise exception.MigrationNotFound(migration_id=migration_id)
    return dict(row)


def get_by_instance_and_status(instance_uuid, statuses):
    """The newest migration of the instance in one of ``statuses``.

    :raises: MigrationNotFoundByStatus.
    """
    with reader() as session:
        row = session.execute(_SELECT.where(
            MT.c.instance_uuid == instance_uuid,
            MT.c.status.in_(list(statuses))).order_by(
                MT.c.id.desc())).mappings().first()
    if row is None:
        raise exception.MigrationNotFoundByStatus(
            instance_id=instance_uuid, status=', '.join(statuses))
    return dict(row)


def get_all_by_instance(instance_uuid):
    with reader() as session:
        return [dict(r) for r in session.execute(_SELECT.where(
            MT.c.instance_uuid == instance_uuid).order_by(MT.c.id))
            .mappings()]


def get_in_progress(instance_uuid):
    """The instance's unfinished migration, or None."""
    try:
        return get_by_instance_and_status(
            instance_uuid, BEFORE_FINISH + AFTER_FINISH + LIVE_IN_PROGRESS)
    except exception.MigrationNotFoundByStatus:
        return None


def set_status(migration_id, status, expected=None, **values):
    """Change a migration's status, only from ``expected`` if given.

    :raises: MigrationNotFound; MigrationStatusConflict when its status is
        not the expected one (another request changed it meanwhile).
    """
    stmt = MT.update().where(MT.c.id == migration_id)
    if expected is not None:
        stmt = stmt.where(MT.c.status.in_(list(expected)))
    with transaction() as session:
        changed = session.execute(stmt.values(
            status=status, updated_at=utcnow(), **values)).rowcount
        row = session.execute(_SELECT.where(
            MT.c.id == migration_id)).mappings().first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        if changed != 1:
            raise exception.MigrationStatusConflict(
                migration_id=migration_id, status=row['status'])
        return dict(row)


def claim_destination(migration_id, host, node):
    """Claim the new flavor on ``host``/``node`` and record it as the
    migration's destination, in one conditional UPDATE of the node.

    :returns: the migration, or None when the node has no room.
    """
    with transaction() as session:
        migration = dict(session.execute(_SELECT.where(
            MT.c.id == migration_id)).mappings().one())
        migration.update(dest_compute=host, dest_node=node)
        params = dict(_resources(migration['new_flavor'],
                                 same_node(migration)),
                      b_host=host, b_node=node)
        if session.execute(_CLAIM, params).rowcount != 1:
            return None
        session.execute(MT.update().where(MT.c.id == migration_id).values(
            dest_compute=host, dest_node=node, updated_at=utcnow()))
        return migration


def release(migration, give_back=None):
    """Give back a claim of the migration: ``'new'`` (the new flavor on the
    destination) or ``'old'`` (the old flavor on the source); by default
    the one it holds in its status (new before the resize finished, old
    after). Call it in the transaction that moves the migration to its
    final status, so that it runs once."""
    if migration['dest_compute'] is None:
        return  # nothing claimed yet
    if give_back is None:
        give_back = ('new' if migration['status'] in BEFORE_FINISH +
                     LIVE_IN_PROGRESS else
                     'old' if migration['status'] in AFTER_FINISH else None)
    if give_back == 'new':
        flavor, host, node = (migration['new_flavor'],
                              migration['dest_compute'],
                              migration['dest_node'])
    elif give_back == 'old':
        flavor, host, node = (migration['old_flavor'],
                              migration['source_compute'],
                              migration['source_node'])
    else:
        return
    with transaction() as session:
        session.execute(_UNCLAIM, dict(
            _resources(flavor, same_node(migration)), b_host=host,
            b_node=node))


def finish(migration_id, status, expected, give_back=None):
    """Move the migration to a final ``status`` from one of ``expected``
    and give back a claim (see :func:`release`), in one transaction.

    :raises: MigrationNotFound; MigrationStatusConflict when it was not in
        ``expected``.
    """
    with transaction() as session:
        row = session.execute(_SELECT.where(
            MT.c.id == migration_id).with_for_update()).mappings().first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        if row['status'] not in expected:
            raise exception.MigrationStatusConflict(
                migration_id=migration_id, status=row['status'])
        release(dict(row), give_back)
        return set_status(migration_id, status, expected=(row['status'],))


def get_finished_before(cutoff):
    """Resizes waiting for confirmation since before ``cutoff``."""
    with reader() as session:
        return [dict(r) for r in session.execute(_SELECT.where(
            MT.c.status == 'finished', MT.c.updated_at < cutoff).order_by(
                MT.c.id)).mappings()]


def abandon_for_instance(instance_uuid):
    """A deleted instance's unfinished migration: give back its claim and
    mark it ``error``. Returns the migration, or None."""
    with transaction():
        migration = get_in_progress(instance_uuid)
        if migration is None:
            return None
        release(migration)
        return set_status(migration['id'], 'error')


# --- listing (GET /os-migrations) -------------------------------------------

def _filtered(query, filters):
    """Nova's ``migration_get_all_by_filters``: ``host`` matches either
    end (and wins over ``source_compute``); ``changes-since`` and
    ``changes-before`` bound ``updated_at``."""
    if 'status' in filters:
        query = query.where(MT.c.status == filters['status'])
    if 'host' in filters:
        query = query.where(sa.or_(MT.c.source_compute == filters['host'],
                                   MT.c.dest_compute == filters['host']))
    elif 'source_compute' in filters:
        query = query.where(MT.c.source_compute == filters['source_compute'])
    for key in ('migration_type', 'instance_uuid', 'user_id',
                'project_id'):
        if key in filters:
            query = query.where(getattr(MT.c, key) == filters[key])
    if 'changes-since' in filters:
        query = query.where(MT.c.updated_at >= filters['changes-since'])
    if 'changes-before' in filters:
        query = query.where(MT.c.updated_at <= filters['changes-before'])
    return query


def get_all_filtered(filters, limit=None, marker=None, newest_first=False):
    """Migrations matching ``filters`` (see :func:`_filtered`), oldest
    first, or newest first (``created_at``, ``id``) from after the
    migration of uuid ``marker`` (as Nova pages them from 2.59).

    :raises: MarkerNotFound when no migration has the marker's uuid.
    """
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(_SELECT.where(
                MT.c.uuid == marker)).mappings().first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
        query = _filtered(_SELECT, filters)
        if newest_first:
            query = pagination.paginate(
                query, models.Migration, ['created_at', 'id'],
                ['desc', 'desc'], marker=marker_row, limit=limit)
        else:
            query = query.order_by(MT.c.id)
        return [dict(r) for r in session.execute(query).mappings()]


def flavor_ids(flavorids):
    """The internal ids of the flavors of ``flavorids`` still there (Nova
    shows them as ``old/new_instance_type_id``)."""
    table = models.Flavor.__table__
    with reader() as session:
        return dict(session.execute(sa.select(
            table.c.flavorid, table.c.id).where(
                table.c.flavorid.in_(sorted(flavorids)))).all())


def get_live_in_progress(instance_uuid, migration_id=None):
    """The instance's live migrations under way (the one of
    ``migration_id`` if given), oldest first."""
    query = _SELECT.where(MT.c.instance_uuid == instance_uuid,
                          MT.c.migration_type == 'live-migration',
                          MT.c.status.in_(LIVE_IN_PROGRESS)).order_by(MT.c.id)
    if migration_id is not None:
        query = query.where(MT.c.id == migration_id)
    with reader() as session:
        return [dict(r) for r in session.execute(query).mappings()]


def get_evacuated_from(host, instance_uuids):
    """The evacuations away from ``host`` of ``instance_uuids`` whose
    guest ``host`` may still run (see :data:`EVACUATED`), oldest first."""
    query = _SELECT.where(MT.c.source_compute == host,
                          MT.c.migration_type == 'evacuation',
                          MT.c.status.in_(EVACUATED),
                          MT.c.instance_uuid.in_(list(instance_uuids))
                          ).order_by(MT.c.id)
    with reader() as session:
        return [dict(r) for r in session.execute(query).mappings()]
