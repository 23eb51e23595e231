"""Default policies of ``/servers/{id}/os-instance-actions``."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-instance-actions:%s'
PATH = '/servers/{server_id}/os-instance-actions'

rules = [
    base.rule(ROOT % 'list', base.PROJECT_READER_OR_ADMIN,
              'List the actions of a server.', 'GET', PATH),
    base.rule(ROOT % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show an action of a server.', 'GET', PATH + '/{request_id}'),
    base.rule(ROOT % 'events', base.ADMIN,
              'Show the events of an action before microversion 2.51, and '
              'their tracebacks at any.', 'GET', PATH + '/{request_id}'),
    base.rule(ROOT % 'events:details', base.PROJECT_READER_OR_ADMIN,
              'Show the details of events (2.84).', 'GET',
              PATH + '/{request_id}'),
]


def list_rules():
    return rules
