"""Default policies of ``/servers/{server_id}/os-interface``, Nova's."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-attach-interfaces:%s'
PATH = '/servers/{server_id}/os-interface'

rules = [
    base.rule(ROOT % 'list', base.PROJECT_READER_OR_ADMIN,
              'List port interfaces attached to a server', 'GET', PATH),
    base.rule(ROOT % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show details of a port interface attached to a server',
              'GET', PATH + '/{port_id}'),
    base.rule(ROOT % 'create', base.PROJECT_MEMBER_OR_ADMIN,
              'Attach an interface to a server', 'POST', PATH),
    base.rule(ROOT % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Detach an interface from a server', 'DELETE',
              PATH + '/{port_id}'),
]


def list_rules():
    return rules
