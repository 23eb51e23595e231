"""Default policies of ``/os-quota-class-sets`` (the defaults every
project falls back to): administrators only, as in Nova."""
from oslo_policy import policy

from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-quota-class-sets:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'show', check_str=base.ADMIN,
        description='List the quotas of a quota class.',
        operations=[{'method': 'GET',
                     'path': '/os-quota-class-sets/{quota_class}'}]),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'update', check_str=base.ADMIN,
        description='Update the quotas of a quota class.',
        operations=[{'method': 'PUT',
                     'path': '/os-quota-class-sets/{quota_class}'}]),
]


def list_rules():
    return rules
