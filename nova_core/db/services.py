"""Services (heartbeats, enable/disable) and the compute nodes they run."""
import datetime
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

RESOURCE_FIELDS = ('hypervisor_hostname', 'hypervisor_type',
                   'hypervisor_version', 'host_ip', 'cpu_info', 'vcpus',
                   'memory_mb', 'local_gb', 'reserved_vcpus',
                   'reserved_memory_mb', 'reserved_disk_gb',
                   'cpu_allocation_ratio', 'ram_allocation_ratio',
                   'disk_allocation_ratio')


def register(host, binary, topic, availability_zone=None):
    """Create the service row, or revive the existing one; returns it."""
    S = models.Service
    with transaction() as session:
        row = session.scalars(sa.select(S).where(
            S.host == host, S.binary == binary, S.deleted == 0)).first()
        if row is None:
            row = models.Service(uuid=str(uuid_lib.uuid4()), host=host,
                                 binary=binary, topic=topic)
            session.add(row)
        row.topic = topic
        row.availability_zone = availability_zone
        row.last_seen_up = utcnow()
        row.report_count = (row.report_count or 0) + 1
        session.flush()
        return row.to_dict()


def heartbeat(host, binary):
    """Record that a service is alive.

    :raises: ServiceNotFound when an operator deleted the service meanwhile.
    """
    S = models.Service
    with transaction() as session:
        count = session.execute(sa.update(S).where(
            S.host == host, S.binary == binary, S.deleted == 0).values(
                last_seen_up=utcnow(),
                report_count=S.report_count + 1)).rowcount
        if count != 1:
            raise exception.ServiceNotFound(service_id='%s/%s' % (host,
                                                                  binary))


def get_all(binary=None, host=None, include_disabled=True):
    S = models.Service
    query = sa.select(S).where(S.deleted == 0).order_by(S.id)
    if binary is not None:
        query = query.where(S.binary == binary)
    if host is not None:
        query = query.where(S.host == host)
    if not include_disabled:
        query = query.where(S.disabled.is_(False))
    with reader() as session:
        return [r.to_dict() for r in session.scalars(query)]


def is_up(service, down_time, now=None):
    """Nova's rule: up if it reported within ``down_time`` seconds."""
    if service.get('forced_down'):
        return False
    seen = service.get('last_seen_up') or service.get('updated_at') or \
        service.get('created_at')
    if seen is None:
        return False
    if isinstance(seen, str):
        seen = datetime.datetime.fromisoformat(seen)
    now = now or utcnow()
    return abs((now - seen).total_seconds()) <= down_time


def node_update(host, resources):
    """Store a compute host's reported resources (never its claims)."""
    CN, S = models.ComputeNode, models.Service
    with transaction() as session:
        service = session.scalars(sa.select(S).where(
            S.host == host, S.binary == 'nova-compute',
            S.deleted == 0)).first()
        row = session.scalars(sa.select(CN).where(
            CN.host == host, CN.hypervisor_hostname ==
            resources['hypervisor_hostname'], CN.deleted == 0)).first()
        if row is None:
            row = models.ComputeNode(uuid=str(uuid_lib.uuid4()), host=host)
            session.add(row)
        for field in RESOURCE_FIELDS:
            if field in resources:
                setattr(row, field, resources[field])
        row.service_id = service.id if service else None
        row.updated_at = utcnow()
        session.flush()
        return row.to_dict()


def nodes_for_scheduling():
    """Every live compute node, joined with its service."""
    CN, S = models.ComputeNode, models.Service
    with reader() as session:
        rows = session.execute(sa.select(CN, S).join(
            S, sa.and_(S.host == CN.host, S.binary == 'nova-compute',
                       S.deleted == 0)).where(CN.deleted == 0))
        return [dict(node.to_dict(), service=svc.to_dict())
                for node, svc in rows]


def node_get_all(host=None):
    CN = models.ComputeNode
    query = sa.select(CN).where(CN.deleted == 0).order_by(CN.id)
    if host is not None:
        query = query.where(CN.host == host)
    with reader() as session:
        return [r.to_dict() for r in session.scalars(query)]
