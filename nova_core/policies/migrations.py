"""Default policy of ``/os-migrations``: admins only, as in Nova."""
from nova_core.policies import base

rules = [
    base.rule('os_compute_api:os-migrations:index', base.ADMIN,
              'List migrations', 'GET', '/os-migrations'),
]


def list_rules():
    return rules
