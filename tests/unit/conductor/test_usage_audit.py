"""A compute host's instance usage audit, recorded in ``task_log`` once
per period, as Nova's ``_instance_usage_audit``."""
import datetime

from nova_core import audit_period
from nova_core.conductor import usage_audit
from nova_core.conf import CONF
from nova_core.db import instances, task_log
from nova_core.db.models import utcnow

H = 'audited'


def _instance(host, launched_at, terminated_at=None):
    return instances.create({
        'display_name': 'i', 'project_id': 'p1', 'user_id': 'u1',
        'flavor_id': '1', 'flavor': {'flavorid': '1'}, 'vcpus': 1,
        'memory_mb': 64, 'root_gb': 1, 'vm_state': 'active',
        'task_state': None, 'host': host, 'node': host,
        'launched_at': launched_at, 'terminated_at': terminated_at})


def test_counts_the_instances_active_in_the_period_once(db, conf):
    conf.config(instance_usage_audit_period='day')
    begin, end = audit_period.last_completed('day', utcnow())
    hour = datetime.timedelta(hours=1)
    _instance(H, begin - hour)                       # ran all period
    _instance(H, begin + hour, end - hour)           # ran within it
    _instance(H, end + hour)                          # launched after
    _instance(H, begin - 2 * hour, begin - hour)     # gone before
    _instance('elsewhere', begin + hour)             # another host
    assert usage_audit.audit_host(CONF, H) == 2
    (run,) = task_log.get_all(usage_audit.TASK, begin, end)
    assert (run['host'], run['state'], run['task_items'], run['errors']) == (
        H, 'DONE', 2, 0)
    assert run['message'].startswith('Instance usage audit ran for host '
                                     '%s, 2 instances in ' % H)
    assert usage_audit.audit_host(CONF, H) is None  # once per period
    assert len(task_log.get_all(usage_audit.TASK, begin, end)) == 1
