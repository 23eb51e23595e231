"""Default policies of ``/servers/{server_id}/ips``."""
from nova_core.policies import base

ROOT = 'os_compute_api:ips:%s'
PATH = '/servers/{server_id}/ips'

rules = [
    base.rule(ROOT % 'index', base.PROJECT_READER_OR_ADMIN,
              'List the addresses of a server by network.', 'GET', PATH),
    base.rule(ROOT % 'show', base.PROJECT_READER_OR_ADMIN,
              'List the addresses of a server on one network.', 'GET',
              PATH + '/{network_label}'),
]


def list_rules():
    return rules
