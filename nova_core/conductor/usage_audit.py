"""The instance usage audit of one compute host, as Nova's
``_instance_usage_audit``: once per completed audit period (``[DEFAULT]
instance_usage_audit_period``), the instances that were active on the host
during the period are counted and the run is recorded in ``task_log``
(``RUNNING``, then ``DONE``), which ``os-instance_usage_audit_log``
reports.

Nova sends a ``compute.instance.exists`` notification per instance while
auditing; nova-core has no notifications, so an instance is audited by
being counted, and a run has no errors. The compute host asks (it has no
DB); the conductor does the work for that host only.
"""
import logging
import time

from nova_core import audit_period
from nova_core.db import instances as db_instances
from nova_core.db import task_log
from nova_core.db.models import utcnow

LOG = logging.getLogger(__name__)

TASK = 'instance_usage_audit'


def active_in(instances, begin, end):
    """The instances launched before ``end`` and not terminated before
    ``begin`` (Nova's ``get_active_by_window_joined``)."""
    return [i for i in instances
            if (i['terminated_at'] is None or i['terminated_at'] > begin)
            and (i['launched_at'] is None or i['launched_at'] < end)]


def audit_host(conf, host):
    """Audit ``host`` for the last completed period unless it was done.

    :returns: the number of instances audited, or None when the period
        had already been audited (by this or another conductor).
    """
    begin, end = audit_period.last_completed(
        conf.instance_usage_audit_period, utcnow())
    if task_log.get_all(TASK, begin, end, host=host):
        return None
    instances = active_in(db_instances.get_all(
        {'host': host, 'deleted': True}, sort_keys=('id',),
        sort_dirs=('asc',)), begin, end)
    started = time.monotonic()
    if not task_log.begin_task(TASK, begin, end, host, len(instances),
                               'Instance usage audit started...'):
        return None
    LOG.info('Running instance usage audit for host %s from %s to %s. '
             '%d instances.', host, begin, end, len(instances))
    task_log.end_task(
        TASK, begin, end, host, 0,
        'Instance usage audit ran for host %s, %d instances in %.3f '
        'seconds.' % (host, len(instances), time.monotonic() - started))
    return len(instances)
