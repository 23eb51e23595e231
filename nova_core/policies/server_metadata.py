"""Default policies of ``/servers/{server_id}/metadata``."""
from nova_core.policies import base

ROOT = 'os_compute_api:server-metadata:%s'
PATH = '/servers/{server_id}/metadata'

rules = [
    base.rule(ROOT % name, check, description, method, path)
    for name, check, description, method, path in (
        ('index', base.PROJECT_READER_OR_ADMIN,
         'List the metadata of a server.', 'GET', PATH),
        ('show', base.PROJECT_READER_OR_ADMIN,
         'Show one metadata item of a server.', 'GET', PATH + '/{key}'),
        ('create', base.PROJECT_MEMBER_OR_ADMIN,
         'Add or change metadata items of a server.', 'POST', PATH),
        ('update_all', base.PROJECT_MEMBER_OR_ADMIN,
         'Replace all metadata of a server.', 'PUT', PATH),
        ('update', base.PROJECT_MEMBER_OR_ADMIN,
         'Add or change one metadata item of a server.', 'PUT',
         PATH + '/{key}'),
        ('delete', base.PROJECT_MEMBER_OR_ADMIN,
         'Delete one metadata item of a server.', 'DELETE',
         PATH + '/{key}'),
    )
]


def list_rules():
    return rules
