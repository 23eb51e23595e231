"""Default policies of ``/os-networks`` (2.1 to 2.35)."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-networks:%s'

rules = [
    base.rule(ROOT % 'list', base.PROJECT_READER_OR_ADMIN,
              'List the networks servers can be attached to.', 'GET',
              '/os-networks'),
    base.rule(ROOT % 'view', base.PROJECT_READER_OR_ADMIN,
              'Show one network.', 'GET', '/os-networks/{network_id}'),
]


def list_rules():
    return rules
