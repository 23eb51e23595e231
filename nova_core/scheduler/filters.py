"""Host filters: each says whether a compute node can take a request.

A node is a dict of the ``compute_nodes`` row with its ``service``; a
request spec has ``vcpus``, ``memory_mb``, ``disk_gb``,
``availability_zone``, ``requested_host``, ``retry`` (``hosts`` a build
was tried on already), ``extra_specs`` (the flavor's) and
``instance_uuid`` from which
:mod:`nova_core.scheduler.group_policy` finds the server group.
"""
from nova_core.db import aggregates as db_aggregates
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services
from nova_core.scheduler import extra_specs_ops, group_policy

#: The scope of the flavor extra specs matched against aggregates.
AGGREGATE_SCOPE = 'aggregate_instance_extra_specs'


def compute_filter(node, spec, conf):
    """The host's compute service is up, enabled and not forced down."""
    service = node['service']
    return (not service['disabled'] and
            db_services.is_up(service, conf.service_down_time))


def retry_filter(node, spec, conf):
    """Not a host this build failed on already (Nova's RetryFilter)."""
    retry = spec.get('retry') or {}
    return node['host'] not in (retry.get('hosts') or ())


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


def _hinted_hosts(spec, hint):
    """Hosts of the servers a scheduler hint names (read once per
    request), or None when the hint is not given."""
    key = '_hosts_of_' + hint
    if key not in spec:
        uuids = (spec.get('scheduler_hints') or {}).get(hint)
        if isinstance(uuids, str):
            uuids = [uuids]
        spec[key] = None if not uuids else {
            i['host'] for i in db_instances.get_all({'uuids': uuids})
            if i['host']}
    return spec[key]


def same_host_filter(node, spec, conf):
    """Hint ``same_host``: only a host holding one of the named servers."""
    hosts = _hinted_hosts(spec, 'same_host')
    return hosts is None or node['host'] in hosts


def different_host_filter(node, spec, conf):
    """Hint ``different_host``: no host holding one of the named servers."""
    hosts = _hinted_hosts(spec, 'different_host')
    return hosts is None or node['host'] not in hosts


def _aggregate_metadata(spec):
    """{host: {key: {values}}} of the aggregates, read once per request."""
    if '_aggregate_metadata' not in spec:
        spec['_aggregate_metadata'] = db_aggregates.metadata_by_host()
    return spec['_aggregate_metadata']


def aggregate_instance_extra_specs_filter(node, spec, conf):
    """The flavor's extra specs scoped ``aggregate_instance_extra_specs:``,
    and those with no scope at all (no ``:``), are met by the metadata of
    an aggregate the host is in (Nova's AggregateInstanceExtraSpecsFilter,
    with its operators: see :mod:`nova_core.scheduler.extra_specs_ops`).
    Keys of other scopes are left to other filters."""
    extra_specs = spec.get('extra_specs') or {}
    if not extra_specs:
        return True
    metadata = None
    for key, requirement in extra_specs.items():
        scope = key.split(':', 1)
        if len(scope) > 1:
            if scope[0] != AGGREGATE_SCOPE:
                continue
            key = scope[1]
        if metadata is None:
            metadata = _aggregate_metadata(spec).get(node['host'], {})
        values = metadata.get(key)
        if not values or not any(extra_specs_ops.match(value, requirement)
                                 for value in values):
            return False
    return True


FILTERS = {
    'SameHostFilter': same_host_filter,
    'DifferentHostFilter': different_host_filter,
    'ComputeFilter': compute_filter,
    'AvailabilityZoneFilter': availability_zone_filter,
    'RamFilter': ram_filter,
    'CoreFilter': core_filter,
    'DiskFilter': disk_filter,
    'AggregateInstanceExtraSpecsFilter':
        aggregate_instance_extra_specs_filter,
}

#: Filters that always run, whatever the operator enabled: a server group's
#: policy was accepted by the API, so it is never silently ignored, and a
#: re-scheduled build never goes back to a host it failed on.
MANDATORY = (requested_host_filter, retry_filter,
             group_policy.affinity_filter, group_policy.anti_affinity_filter)
