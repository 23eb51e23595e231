"""Default policies of ``/flavors/{id}/os-flavor-access`` and its actions."""
from oslo_policy import policy

from nova_core.policies import base

BASE = 'os_compute_api:os-flavor-access'
ACTION_PATH = '/flavors/{flavor_id}/action (%s)'

rules = [
    policy.DocumentedRuleDefault(
        name=BASE, check_str=base.ADMIN,
        description='List the projects with access to a private flavor.',
        operations=[{'method': 'GET',
                     'path': '/flavors/{flavor_id}/os-flavor-access'}]),
    policy.DocumentedRuleDefault(
        name=BASE + ':add_tenant_access', check_str=base.ADMIN,
        description='Give a project access to a private flavor.',
        operations=[{'method': 'POST',
                     'path': ACTION_PATH % 'addTenantAccess'}]),
    policy.DocumentedRuleDefault(
        name=BASE + ':remove_tenant_access', check_str=base.ADMIN,
        description='Take a project\'s access to a private flavor away.',
        operations=[{'method': 'POST',
                     'path': ACTION_PATH % 'removeTenantAccess'}]),
]


def list_rules():
    return rules
