"""Rank the compute nodes that can take a request, best first.

Selection reads a snapshot; the claim that follows is what guarantees
capacity, so two conductors choosing the same node is safe: the second
claim fails and that conductor tries its next candidate.
"""
import logging
import random

from nova_core import exception
from nova_core.db import services as db_services
from nova_core.scheduler import filters as host_filters
from nova_core.scheduler import group_policy

LOG = logging.getLogger(__name__)


def enabled_filters(conf):
    """The configured filters; an unknown name is a configuration error."""
    names = conf.filter_scheduler.enabled_filters
    unknown = [n for n in names if n not in host_filters.FILTERS]
    if unknown:
        raise exception.ConfigInvalid(
            reason='[filter_scheduler] enabled_filters names unknown filters '
                   '%s; known: %s' % (', '.join(unknown),
                                      ', '.join(sorted(host_filters.FILTERS))))
    return [(n, host_filters.FILTERS[n]) for n in names] + [
        (f.__name__, f) for f in host_filters.MANDATORY]


def select_hosts(spec, conf, nodes=None):
    """Nodes passing every filter, ordered by weight. The server group
    of ``spec['instance_uuid']`` is read here unless the caller put it in
    the spec already (see :func:`group_policy.with_group`).

    :raises: NoValidHost naming the filter that removed the last node.
    """
    spec = group_policy.with_group(spec)
    nodes = db_services.nodes_for_scheduling() if nodes is None else nodes
    if not nodes:
        raise exception.NoValidHost(reason='There are no compute hosts.')
    for name, host_filter in enabled_filters(conf):
        nodes = [n for n in nodes if host_filter(n, spec, conf)]
        if not nodes:
            LOG.info('Filter %s returned 0 hosts', name)
            raise exception.NoValidHost(
                reason='There are not enough hosts available.')
    multiplier = conf.filter_scheduler.ram_weight_multiplier
    # A soft group policy outranks free RAM, as its weigher does in Nova
    # with the default multipliers whenever the group has members placed.
    nodes.sort(key=lambda n: (group_policy.soft_weight(n, spec),
                              multiplier * _free_ram(n)), reverse=True)
    subset = min(conf.filter_scheduler.host_subset_size, len(nodes))
    if subset > 1:
        first = nodes.pop(random.randrange(subset))
        nodes.insert(0, first)
    return nodes


def _free_ram(node):
    return ((node['memory_mb'] - node['reserved_memory_mb']) *
            node['ram_allocation_ratio'] - node['memory_mb_used'])
