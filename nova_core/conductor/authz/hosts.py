"""The rules of a compute host's services and compute nodes."""
from nova_core.compute.rpcapi import TOPIC as COMPUTE_TOPIC
from nova_core.conductor.authz.checks import (
    MAX_DETAILS,
    Refused,
    check_fields,
    integer,
    is_caller,
    number,
    text,
)
from nova_core.db import services as db_services

COMPUTE_BINARY = 'nova-compute'


def service_register(ctxt, host, kw):
    is_caller(host, kw.get('host'))
    if kw.get('binary') != COMPUTE_BINARY or kw.get('topic') != \
            COMPUTE_TOPIC:
        raise Refused('a compute host registers only %s on topic %s'
                      % (COMPUTE_BINARY, COMPUTE_TOPIC))
    if not text(kw.get('availability_zone'), none=True):
        raise Refused('bad availability_zone')


def service_heartbeat(ctxt, host, kw):
    is_caller(host, kw.get('host'))
    if kw.get('binary') != COMPUTE_BINARY:
        raise Refused('a compute host beats only for %s' % COMPUTE_BINARY)


def service_stopped(ctxt, host, kw):
    """A compute stopping on purpose marks only its own service down."""
    service_heartbeat(ctxt, host, kw)


def _capabilities(value):
    """What the host's driver can do: a few named flags."""
    return (isinstance(value, dict) and len(value) <= 32 and
            all(text(k, 64) and isinstance(v, bool)
                for k, v in value.items()))


_COUNT = integer
_RATIO = lambda v: number(v, 0.0001, 1000)  # noqa: E731 - a table entry
RESOURCE_CHECKS = {
    'hypervisor_hostname': lambda v: text(v) and bool(v),
    'hypervisor_type': text, 'hypervisor_version': integer,
    'host_ip': lambda v: text(v, 64, none=True),
    'cpu_info': lambda v: text(v, MAX_DETAILS, none=True),
    'vcpus': _COUNT, 'memory_mb': _COUNT, 'local_gb': _COUNT,
    'reserved_vcpus': _COUNT, 'reserved_memory_mb': _COUNT,
    'reserved_disk_gb': _COUNT, 'cpu_allocation_ratio': _RATIO,
    'ram_allocation_ratio': _RATIO, 'disk_allocation_ratio': _RATIO,
    'capabilities': _capabilities,
}
assert set(RESOURCE_CHECKS) == set(db_services.RESOURCE_FIELDS)


def compute_node_update(ctxt, host, kw):
    """Only the stored fields are checked; others a driver reports (its
    own ``*_used`` figures) are not stored (claims are the conductor's)."""
    is_caller(host, kw.get('host'))
    resources = kw.get('resources')
    if not isinstance(resources, dict) or 'hypervisor_hostname' not in \
            resources:
        raise Refused('resources must name the hypervisor_hostname')
    check_fields('resources', {k: v for k, v in resources.items()
                          if k in RESOURCE_CHECKS}, RESOURCE_CHECKS)
