"""Default policy of ``/servers/{server_id}/diagnostics`` (admins)."""
from nova_core.policies import base

rules = [
    base.rule('os_compute_api:os-server-diagnostics', base.ADMIN,
              'Show the usage data for a server', 'GET',
              '/servers/{server_id}/diagnostics'),
]


def list_rules():
    return rules
