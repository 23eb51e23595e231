"""Host aggregates: named groups of compute hosts with metadata.

An aggregate's ``availability_zone`` metadata puts its hosts in that zone
(Nova keeps zones no other way); :func:`host_zones` is what the services'
and the scheduler's views of a host's zone read.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

AT = models.Aggregate.__table__
AHT = models.AggregateHost.__table__
AMT = models.AggregateMetadata.__table__
ST = models.Service.__table__

AZ_KEY = 'availability_zone'


def not_found(aggregate_id):
    return exception.NotFound('Aggregate %s could not be found.'
                              % aggregate_id)


def _load(session, rows):
    """Aggregate rows with their ``hosts`` and ``metadata``."""
    aggregates = [dict(r) for r in rows]
    ids = [a['id'] for a in aggregates]
    hosts, metadata = {}, {}
    if ids:
        for row in session.execute(sa.select(AHT.c.aggregate_id, AHT.c.host)
                                   .where(AHT.c.aggregate_id.in_(ids))
                                   .order_by(AHT.c.id)):
            hosts.setdefault(row.aggregate_id, []).append(row.host)
        for row in session.execute(sa.select(
                AMT.c.aggregate_id, AMT.c.key, AMT.c.value).where(
                    AMT.c.aggregate_id.in_(ids))):
            metadata.setdefault(row.aggregate_id, {})[row.key] = row.value
    for aggregate in aggregates:
        aggregate['hosts'] = hosts.get(aggregate['id'], [])
        aggregate['metadata'] = metadata.get(aggregate['id'], {})
        aggregate['availability_zone'] = aggregate['metadata'].get(AZ_KEY)
    return aggregates


def get_all():
    with reader() as session:
        return _load(session, session.execute(
            sa.select(AT).order_by(AT.c.id)).mappings())


def get(aggregate_id):
    """:raises: NotFound."""
    with reader() as session:
        return _get(session, aggregate_id)


def _get(session, aggregate_id):
    found = _load(session, session.execute(
        sa.select(AT).where(AT.c.id == aggregate_id)).mappings())
    if not found:
        raise not_found(aggregate_id)
    return found[0]


def _name_taken(session, name, aggregate_id=None):
    query = sa.select(AT.c.id).where(AT.c.name == name)
    if aggregate_id is not None:
        query = query.where(AT.c.id != aggregate_id)
    if session.execute(query).first() is not None:
        raise exception.Conflict(reason='Aggregate %s already exists.'
                                 % name)


def create(name, zone=None):
    """:raises: Conflict (409) when the name is taken."""
    try:
        with transaction() as session:
            _name_taken(session, name)
            now = utcnow()
            new_id = session.execute(AT.insert().values(
                uuid=str(uuid_lib.uuid4()), name=name,
                created_at=now)).inserted_primary_key[0]
            if zone:
                session.execute(AMT.insert().values(
                    aggregate_id=new_id, key=AZ_KEY, value=zone,
                    created_at=now))
            return _get(session, new_id)
    except sa.exc.IntegrityError:
        raise exception.Conflict(reason='Aggregate %s already exists.'
                                 % name)


def rename(aggregate_id, name):
    """:raises: NotFound; Conflict when another aggregate has ``name``."""
    with transaction() as session:
        _get(session, aggregate_id)
        _name_taken(session, name, aggregate_id)
        session.execute(AT.update().where(AT.c.id == aggregate_id).values(
            name=name, updated_at=utcnow()))


def update_metadata(aggregate_id, metadata):
    """Set keys of ``metadata``, delete those whose value is None;
    returns the aggregate."""
    now = utcnow()
    with transaction() as session:
        current = _get(session, aggregate_id)['metadata']
        for key, value in metadata.items():
            where = sa.and_(AMT.c.aggregate_id == aggregate_id,
                            AMT.c.key == key)
            if value is None:
                session.execute(AMT.delete().where(where))
            elif key in current:
                session.execute(AMT.update().where(where).values(
                    value=value, updated_at=now))
            else:
                session.execute(AMT.insert().values(
                    aggregate_id=aggregate_id, key=key, value=value,
                    created_at=now))
        session.execute(AT.update().where(AT.c.id == aggregate_id).values(
            updated_at=now))
        return _get(session, aggregate_id)


def destroy(aggregate_id):
    """:raises: NotFound; Invalid (400) while it has hosts, as Nova."""
    with transaction() as session:
        aggregate = _get(session, aggregate_id)
        if aggregate['hosts']:
            raise exception.Invalid(
                reason='Cannot delete aggregate %s: Host aggregate is not '
                       'empty' % aggregate_id)
        session.execute(AMT.delete().where(
            AMT.c.aggregate_id == aggregate_id))
        session.execute(AT.delete().where(AT.c.id == aggregate_id))


def add_host(aggregate_id, host):
    """:raises: NotFound (the aggregate, or no compute service on
    ``host``); Conflict when the host is in it already."""
    with transaction() as session:
        _get(session, aggregate_id)
        if session.execute(sa.select(ST.c.id).where(
                ST.c.host == host, ST.c.binary == 'nova-compute',
                ST.c.deleted == 0)).first() is None:
            raise exception.NotFound('Compute host %s could not be found.'
                                     % host)
        if session.execute(sa.select(AHT.c.id).where(
                AHT.c.aggregate_id == aggregate_id,
                AHT.c.host == host)).first() is not None:
            raise exception.Conflict(
                reason='Aggregate %s already has host %s.'
                % (aggregate_id, host))
        session.execute(AHT.insert().values(
            aggregate_id=aggregate_id, host=host, created_at=utcnow()))
        return _get(session, aggregate_id)


def remove_host(aggregate_id, host):
    """:raises: NotFound when the aggregate or the host in it is not."""
    with transaction() as session:
        _get(session, aggregate_id)
        if not session.execute(AHT.delete().where(
                AHT.c.aggregate_id == aggregate_id,
                AHT.c.host == host)).rowcount:
            raise exception.NotFound(
                'Cannot remove host %s in aggregate %s' % (host,
                                                           aggregate_id))
        return _get(session, aggregate_id)


def zones_of_hosts(hosts, except_aggregate=None):
    """{host: {zones of aggregates holding it}} for ``hosts``."""
    query = sa.select(AHT.c.host, AMT.c.value).join_from(
        AHT, AMT, sa.and_(AMT.c.aggregate_id == AHT.c.aggregate_id,
                          AMT.c.key == AZ_KEY)).where(AHT.c.host.in_(hosts))
    if except_aggregate is not None:
        query = query.where(AHT.c.aggregate_id != except_aggregate)
    zones = {}
    with reader() as session:
        for row in session.execute(query):
            zones.setdefault(row.host, set()).add(row.value)
    return zones


#: Every host's zone: built once, as every boot reads it (the API's
#: service checks and the scheduler).
_HOST_ZONES = sa.select(AHT.c.host, AMT.c.value).join_from(
    AHT, AMT, sa.and_(AMT.c.aggregate_id == AHT.c.aggregate_id,
                      AMT.c.key == AZ_KEY)).order_by(AHT.c.id)


def host_zones(session):
    """{host: zone} of every host in an aggregate with a zone (a host is
    in one zone at most: the API refuses a second)."""
    return {row.host: row.value for row in session.execute(_HOST_ZONES)}


def metadata_by_host():
    """{host: {key: {values}}}: the metadata of every aggregate each host
    is in, a key's values over all of them (what the scheduler's
    AggregateInstanceExtraSpecsFilter matches a flavor against)."""
    query = sa.select(AHT.c.host, AMT.c.key, AMT.c.value).join_from(
        AHT, AMT, AMT.c.aggregate_id == AHT.c.aggregate_id)
    result = {}
    with reader() as session:
        for row in session.execute(query):
            result.setdefault(row.host, {}).setdefault(
                row.key, set()).add(row.value)
    return result
