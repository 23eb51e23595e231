"""Default policies of ``/servers/{server_id}/tags`` (2.26)."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-server-tags:%s'
PATH = '/servers/{server_id}/tags'

rules = [
    base.rule(ROOT % name, check, description, method, path)
    for name, check, description, method, path in (
        ('index', base.PROJECT_READER_OR_ADMIN,
         'List the tags of a server.', 'GET', PATH),
        ('show', base.PROJECT_READER_OR_ADMIN,
         'Check whether a server has a tag.', 'GET', PATH + '/{tag}'),
        ('update', base.PROJECT_MEMBER_OR_ADMIN, 'Add a tag to a server.',
         'PUT', PATH + '/{tag}'),
        ('update_all', base.PROJECT_MEMBER_OR_ADMIN,
         'Replace all tags of a server.', 'PUT', PATH),
        ('delete', base.PROJECT_MEMBER_OR_ADMIN,
         'Remove a tag from a server.', 'DELETE', PATH + '/{tag}'),
        ('delete_all', base.PROJECT_MEMBER_OR_ADMIN,
         'Remove all tags from a server.', 'DELETE', PATH),
    )
]


def list_rules():
    return rules
