"""Default policy of ``/os-overdue-tasks``."""
from oslo_policy import policy

from nova_core.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-overdue-tasks:list', check_str=base.ADMIN,
        description='List the servers whose task is past its deadline.',
        operations=[{'method': 'GET', 'path': '/os-overdue-tasks'}]),
]


def list_rules():
    return rules
