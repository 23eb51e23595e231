"""Services (heartbeats, enable/disable) and the compute nodes they run."""
import datetime
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.db import aggregates, models
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error
from nova_core.db.session import reader, transaction

S, CN = models.Service, models.ComputeNode
ST, CNT = S.__table__, CN.__table__

RESOURCE_FIELDS = ('hypervisor_hostname', 'hypervisor_type',
                   'hypervisor_version', 'host_ip', 'cpu_info', 'vcpus',
                   'memory_mb', 'local_gb', 'reserved_vcpus',
                   'reserved_memory_mb', 'reserved_disk_gb',
                   'cpu_allocation_ratio', 'ram_allocation_ratio',
                   'disk_allocation_ratio', 'capabilities')

_SERVICE = sa.select(*S.columns()).where(
    ST.c.host == sa.bindparam('b_host'),
    ST.c.binary == sa.bindparam('b_binary'), ST.c.deleted == 0)
_HEARTBEAT = ST.update().where(
    ST.c.host == sa.bindparam('b_host'),
    ST.c.binary == sa.bindparam('b_binary'), ST.c.deleted == 0).values(
        report_count=ST.c.report_count + 1)


@retry_on_db_error
def register(host, binary, topic, availability_zone=None):
    """Create the service row, or revive the existing one; returns it."""
    now = utcnow()
    key = {'b_host': host, 'b_binary': binary}
    with transaction() as session:
        row = session.execute(_SERVICE, key).mappings().first()
        values = {'topic': topic, 'availability_zone': availability_zone,
                  'last_seen_up': now}
        if row is None:
            session.execute(ST.insert(), dict(
                values, uuid=str(uuid_lib.uuid4()), host=host,
                binary=binary, report_count=1, disabled=False,
                forced_down=False, deleted=0, created_at=now))
        else:
            session.execute(ST.update().where(ST.c.id == row['id']).values(
                report_count=ST.c.report_count + 1, updated_at=now,
                **values))
        return dict(session.execute(_SERVICE, key).mappings().one())


@retry_on_db_error
def heartbeat(host, binary):
    """Record that a service is alive.

    :raises: ServiceNotFound when an operator deleted the service meanwhile.
    """
    with transaction() as session:
        count = session.execute(_HEARTBEAT, {
            'b_host': host, 'b_binary': binary,
            'last_seen_up': utcnow()}).rowcount
        if count != 1:
            raise exception.ServiceNotFound(service_id='%s/%s' % (host,
                                                                  binary))


def mark_stopped(host, binary):
    """Record that a service stopped on purpose: down at once (no
    ``last_seen_up``) until it registers again, so nothing waits on it."""
    with transaction() as session:
        session.execute(ST.update().where(
            ST.c.host == host, ST.c.binary == binary, ST.c.deleted == 0
        ).values(last_seen_up=None, updated_at=utcnow()))


def get_all(binary=None, host=None, include_disabled=True):
    query = sa.select(*S.columns()).where(ST.c.deleted == 0).order_by(
        ST.c.id)
    if binary is not None:
        query = query.where(ST.c.binary == binary)
    if host is not None:
        query = query.where(ST.c.host == host)
    if not include_disabled:
        query = query.where(ST.c.disabled.is_(False))
    with reader() as session:
        zones = aggregates.host_zones(session)
        return [_zoned(dict(r), zones)
                for r in session.execute(query).mappings()]


def _zoned(service, zones):
    """A compute service's zone is its aggregates' (Nova's rule), else
    the one it registered with."""
    if service['binary'] == 'nova-compute' and service['host'] in zones:
        service['availability_zone'] = zones[service['host']]
    return service


def is_up(service, down_time, now=None):
    """Nova's rule: up if it reported within ``down_time`` seconds; a
    service stopped on purpose (:func:`mark_stopped`) is down."""
    if service.get('forced_down'):
        return False
    if 'last_seen_up' in service and service['last_seen_up'] is None:
        return False
    seen = service.get('last_seen_up') or service.get('updated_at') or \
        service.get('created_at')
    if seen is None:
        return False
    if isinstance(seen, str):
        seen = datetime.datetime.fromisoformat(seen)
    now = now or utcnow()
    return abs((now - seen).total_seconds()) <= down_time


@retry_on_db_error
def node_update(host, resources):
    """Store a compute host's reported resources (never its claims)."""
    now = utcnow()
    values = {f: resources[f] for f in RESOURCE_FIELDS if f in resources}
    name = resources['hypervisor_hostname']
    node_query = sa.select(*CN.columns()).where(
        CNT.c.host == host, CNT.c.hypervisor_hostname == name,
        CNT.c.deleted == 0)
    with transaction() as session:
        service = session.execute(_SERVICE, {
            'b_host': host, 'b_binary': 'nova-compute'}).mappings().first()
        values['service_id'] = service['id'] if service else None
        row = session.execute(node_query).mappings().first()
        if row is None:
            session.execute(CNT.insert(), dict(
                values, uuid=str(uuid_lib.uuid4()), host=host, vcpus_used=0,
                memory_mb_used=0, local_gb_used=0, running_vms=0, deleted=0,
                created_at=now))
        else:
            session.execute(CNT.update().where(CNT.c.id == row['id']).values(
                updated_at=now, **values))
        return dict(session.execute(node_query).mappings().one())


_SCHEDULING = sa.select(
    *CN.columns(), *[c.label('svc__' + c.name) for c in ST.c]).join_from(
    CNT, ST, sa.and_(ST.c.host == CNT.c.host,
                     ST.c.binary == 'nova-compute', ST.c.deleted == 0)
).where(CNT.c.deleted == 0)


@retry_on_db_error
def nodes_for_scheduling():
    """Every live compute node, joined with its service."""
    with reader() as session:
        zones = aggregates.host_zones(session)
        rows = session.execute(_SCHEDULING).mappings()
        return [dict({k: v for k, v in r.items()
                      if not k.startswith('svc__')},
                     service=_zoned({k[5:]: v for k, v in r.items()
                                     if k.startswith('svc__')}, zones))
                for r in rows]


def node_get_all(host=None):
    query = sa.select(*CN.columns()).where(CNT.c.deleted == 0).order_by(
        CNT.c.id)
    if host is not None:
        query = query.where(CNT.c.host == host)
    with reader() as session:
        return [dict(r) for r in session.execute(query).mappings()]


def get_by_uuid(service_uuid):
    """:raises: ServiceNotFound."""
    with reader() as session:
        row = session.execute(sa.select(*S.columns()).where(
            ST.c.uuid == service_uuid, ST.c.deleted == 0)).mappings().first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_uuid)
    return dict(row)


def update(service_id, values):
    """Change a service by its id; returns it.

    :raises: ServiceNotFound.
    """
    with transaction() as session:
        if session.execute(ST.update().where(
                ST.c.id == service_id, ST.c.deleted == 0).values(
                    updated_at=utcnow(), **values)).rowcount != 1:
            raise exception.ServiceNotFound(service_id=service_id)
        return _zoned(dict(session.execute(sa.select(*S.columns()).where(
            ST.c.id == service_id)).mappings().one()),
            aggregates.host_zones(session))


def destroy(service):
    """Soft-delete a service and, for compute, its compute nodes.

    :raises: Conflict when the compute host still holds instances.
    """
    IT = models.Instance.__table__
    now = utcnow()
    with transaction() as session:
        if service['binary'] == 'nova-compute':
            hosting = session.execute(sa.select(sa.func.count()).where(
                IT.c.host == service['host'], IT.c.deleted == 0)).scalar()
            if hosting:
                raise exception.Conflict(
                    reason='Unable to delete compute service that is '
                           'hosting instances. Migrate or delete the '
                           'instances first.')
            session.execute(CNT.update().where(
                CNT.c.host == service['host'], CNT.c.deleted == 0).values(
                    deleted=CNT.c.id, deleted_at=now))
        session.execute(ST.update().where(ST.c.id == service['id']).values(
            deleted=service['id'], deleted_at=now))
