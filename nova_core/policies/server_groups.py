"""Default policies of ``/os-server-groups``."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-server-groups:%s'
PATH = '/os-server-groups'

rules = [
    base.rule(ROOT % name, check, description, method, path)
    for name, check, description, method, path in (
        ('create', base.PROJECT_MEMBER, 'Create a server group.', 'POST',
         PATH),
        ('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server group.',
         'DELETE', PATH + '/{server_group_id}'),
        ('index', base.PROJECT_READER_OR_ADMIN,
         'List the server groups of the project.', 'GET', PATH),
        ('index:all_projects', base.ADMIN,
         'List the server groups of all projects.', 'GET', PATH),
        ('show', base.PROJECT_READER_OR_ADMIN, 'Show a server group.',
         'GET', PATH + '/{server_group_id}'),
    )
]


def list_rules():
    return rules
