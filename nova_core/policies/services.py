"""Default policies of ``/os-services``."""
from oslo_policy import policy

from nova_core.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-services:list', check_str=base.ADMIN,
        description='List the services of the cloud.',
        operations=[{'method': 'GET', 'path': '/os-services'}]),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-services:update', check_str=base.ADMIN,
        description='Enable, disable or force down a compute service.',
        operations=[{'method': 'PUT', 'path': '/os-services/{service_id}'},
                    {'method': 'PUT', 'path': '/os-services/{action}'}]),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-services:delete', check_str=base.ADMIN,
        description='Delete a service.',
        operations=[{'method': 'DELETE',
                     'path': '/os-services/{service_id}'}]),
]


def list_rules():
    return rules
