"""Default policies of ``/os-migrations`` and
``/servers/{server_id}/migrations``: admins only, as in Nova."""
from nova_core.policies import base

rules = [
    base.rule('os_compute_api:os-migrations:index', base.ADMIN,
              'List migrations', 'GET', '/os-migrations'),
    base.rule('os_compute_api:servers:migrations:index', base.ADMIN,
              'Lists in-progress live migrations for a given server',
              'GET', '/servers/{server_id}/migrations'),
    base.rule('os_compute_api:servers:migrations:show', base.ADMIN,
              'Show details for an in-progress live migration for a '
              'given server', 'GET',
              '/servers/{server_id}/migrations/{migration_id}'),
    base.rule('os_compute_api:servers:migrations:force_complete',
              base.ADMIN, 'Force an in-progress live migration for a '
              'given server to complete', 'POST',
              '/servers/{server_id}/migrations/{migration_id}/action '
              '(force_complete)'),
    base.rule('os_compute_api:servers:migrations:delete', base.ADMIN,
              'Delete(Abort) an in-progress live migration', 'DELETE',
              '/servers/{server_id}/migrations/{migration_id}'),
]


def list_rules():
    return rules
