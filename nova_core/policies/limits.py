"""Default policies of ``/limits``: anyone sees their own project's,
administrators any project's (``?tenant_id=``)."""
from oslo_policy import policy

from nova_core.policies import base

BASE_POLICY_NAME = 'os_compute_api:limits'
OTHER_PROJECT_LIMIT_POLICY_NAME = 'os_compute_api:limits:other_project'

rules = [
    policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME, check_str='@',
        description='Show the rate and absolute limits of the current '
                    'project.',
        operations=[{'method': 'GET', 'path': '/limits'}]),
    policy.DocumentedRuleDefault(
        name=OTHER_PROJECT_LIMIT_POLICY_NAME, check_str=base.ADMIN,
        description='Show the limits of another project.',
        operations=[{'method': 'GET', 'path': '/limits'}]),
]


def list_rules():
    return rules
