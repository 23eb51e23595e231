"""Default policies of ``/os-quota-class-sets`` (the defaults every
project falls back to): administrators only, as in Nova."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-quota-class-sets:%s'

rules = [
    base.rule(POLICY_ROOT % 'show', base.ADMIN,
              'List the quotas of a quota class.', 'GET',
              '/os-quota-class-sets/{quota_class}'),
    base.rule(POLICY_ROOT % 'update', base.ADMIN,
              'Update the quotas of a quota class.', 'PUT',
              '/os-quota-class-sets/{quota_class}'),
]


def list_rules():
    return rules
