"""Default policies of ``/flavors/{id}/os-flavor-access`` and its actions."""
from nova_core.policies import base

BASE = 'os_compute_api:os-flavor-access'
ACTION_PATH = '/flavors/{flavor_id}/action (%s)'

rules = [
    base.rule(BASE, base.ADMIN,
              'List the projects with access to a private flavor.', 'GET',
              '/flavors/{flavor_id}/os-flavor-access'),
    base.rule(BASE + ':add_tenant_access', base.ADMIN,
              'Give a project access to a private flavor.', 'POST',
              ACTION_PATH % 'addTenantAccess'),
    base.rule(BASE + ':remove_tenant_access', base.ADMIN,
              'Take a project\'s access to a private flavor away.', 'POST',
              ACTION_PATH % 'removeTenantAccess'),
]


def list_rules():
    return rules
