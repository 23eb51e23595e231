"""Default policies of ``/os-instance_usage_audit_log``: admins only, as
in Nova."""
from nova_core.policies import base

_ROOT = 'os_compute_api:os-instance-usage-audit-log:%s'

rules = [
    base.rule(_ROOT % 'list', base.ADMIN,
              'List all usage audits.', 'GET',
              '/os-instance_usage_audit_log'),
    base.rule(_ROOT % 'show', base.ADMIN,
              'List all usage audits occurred before a specified time for '
              'all servers on all compute hosts where usage auditing is '
              'configured', 'GET',
              '/os-instance_usage_audit_log/{before_timestamp}'),
]


def list_rules():
    return rules
