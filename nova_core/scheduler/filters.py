"""Host filters: each says whether a compute node can take a request.

A node is a dict of the ``compute_nodes`` row with its ``service``; a
request spec has ``vcpus``, ``memory_mb``, ``disk_gb``,
``availability_zone`` and ``requested_host``.
"""
from nova_core.db import services as db_services


def compute_filter(node, spec, conf):
    """The host's compute service is up, enabled and not forced down."""
    service = node['service']
    return (not service['disabled'] and
            db_services.is_up(service, conf.service_down_time))


def availability_zone_filter(node, spec, conf):
    zone = spec.get('availability_zone')
    if not zone:
        return True
    return (node['service'].get('availability_zone') or
            conf.default_availability_zone) == zone


def requested_host_filter(node, spec, conf):
    host = spec.get('requested_host')
    return host is None or node['host'] == host


def ram_filter(node, spec, conf):
    capacity = ((node['memory_mb'] - node['reserved_memory_mb']) *
                node['ram_allocation_ratio'])
    return node['memory_mb_used'] + spec['memory_mb'] <= capacity


def core_filter(node, spec, conf):
    capacity = ((node['vcpus'] - node['reserved_vcpus']) *
                node['cpu_allocation_ratio'])
    return node['vcpus_used'] + spec['vcpus'] <= capacity


def disk_filter(node, spec, conf):
    capacity = ((node['local_gb'] - node['reserved_disk_gb']) *
                node['disk_allocation_ratio'])
    return node['local_gb_used'] + spec['disk_gb'] <= capacity


FILTERS = {
    'ComputeFilter': compute_filter,
    'AvailabilityZoneFilter': availability_zone_filter,
    'RamFilter': ram_filter,
    'CoreFilter': core_filter,
    'DiskFilter': disk_filter,
}

#: Filters that always run, whatever the operator enabled.
MANDATORY = (requested_host_filter,)
