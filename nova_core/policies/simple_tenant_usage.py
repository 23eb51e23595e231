"""Default policies of ``/os-simple-tenant-usage``: admins list every
project's usage, a project's readers see their own."""
from nova_core.policies import base

rules = [
    base.rule('os_compute_api:os-simple-tenant-usage:show',
              base.PROJECT_READER_OR_ADMIN,
              'Show usage statistics for a specific tenant', 'GET',
              '/os-simple-tenant-usage/{tenant_id}'),
    base.rule('os_compute_api:os-simple-tenant-usage:list', base.ADMIN,
              'List per tenant usage statistics for all tenants', 'GET',
              '/os-simple-tenant-usage'),
]


def list_rules():
    return rules
