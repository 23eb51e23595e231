"""Rank the compute nodes that can take a request, best first.

Selection reads a snapshot; the claim that follows is what guarantees
capacity, so two conductors choosing the same node is safe: the second
claim fails and that conductor tries its next candidate.
"""
import logging
import random
import threading
import time

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
            exc = exception.NoValidHost(
                reason='There are not enough hosts available.')
            exc.last_filter = name
            raise exc
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


def no_host_up(exc):
    """Whether a NoValidHost came from no compute host being up."""
    return getattr(exc, 'last_filter', None) == 'ComputeFilter'


#: Threads of this process that may wait in :func:`wait_for_heartbeats`
#: at once (a quarter of the RPC executor's): waiting builds must never
#: take every thread, or the heartbeats they wait for, which arrive on the
#: same topic, would find none to run on.
_WAITERS = {}
_WAITERS_LOCK = threading.Lock()
#: What :func:`wait_for_heartbeats` returns when no thread may wait.
NO_SLOT = 'no-slot'


def _waiting_slots(conf):
    with _WAITERS_LOCK:
        if 'slots' not in _WAITERS:
            pool = getattr(conf, 'executor_thread_pool_size', None) or 64
            _WAITERS['slots'] = threading.BoundedSemaphore(max(1, pool // 4))
        return _WAITERS['slots']


def wait_for_heartbeats(conf, sleep=None, clock=None):
    """After a NoValidHost for want of a live host (:func:`no_host_up`):
    wait while every compute host merely missed its heartbeats. Returns
    True when a host is up (again: it may have reported since the failed
    attempt read the hosts) and scheduling is worth another try, False
    when waiting cannot help, or :data:`NO_SLOT` when the hosts are late
    but this process has as many builds waiting as it lets wait (the
    caller leaves the build in ``scheduling``, for its deadline).

    When no enabled compute service is up but some were seen within
    ``[scheduler] all_hosts_down_wait`` seconds beyond
    ``service_down_time``, the whole fleet went quiet at once: the broker
    or the database was away, or the conductors were too busy to record
    the heartbeats queued behind builds, and the hosts report again
    within a report interval. Builds that a conductor takes in that moment
    would otherwise go to ERROR although every host could take them.
    Hosts stopped on purpose or long gone do not wait.
    """
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    grace = conf.scheduler.all_hosts_down_wait
    if not grace:
        return False
    slots = _waiting_slots(conf)
    if not slots.acquire(blocking=False):
        late = _late_hosts(conf, grace)
        if late is None:
            return True  # one reported since the failed attempt
        return NO_SLOT if late else False
    try:
        return _wait(conf, grace, sleep, clock)
    finally:
        slots.release()


def _late_hosts(conf, grace):
    """None if a compute host is up; else those seen within ``grace``
    seconds beyond service_down_time."""
    services = db_services.get_all(binary='nova-compute',
                                   include_disabled=False)
    if any(db_services.is_up(s, conf.service_down_time) for s in services):
        return None
    return [s['host'] for s in services
            if db_services.is_up(s, conf.service_down_time + grace)]


def _wait(conf, grace, sleep, clock):
    deadline = clock() + grace
    waited = False
    while True:
        late = _late_hosts(conf, grace)
        if late is None:
            LOG.info('Compute hosts report again; scheduling again')
            return True
        if not late or clock() >= deadline:
            return False
        if not waited:
            LOG.warning('Every compute host missed its heartbeats (%s); '
                        'waiting up to %d s for them before giving up',
                        ', '.join(sorted(late)), grace)
            waited = True
        sleep(1)
