"""Default policies of ``/os-services``."""
from oslo_policy import policy

from nova_core.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-services:list', check_str=base.ADMIN,
        description='List the services of the cloud.',
        operations=[{'method': 'GET', 'path': '/os-services'}]),
]


def list_rules():
    return rules
