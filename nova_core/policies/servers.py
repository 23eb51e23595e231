"""Default policies of ``/servers`` and its actions."""
from nova_core.policies import base

SERVERS = 'os_compute_api:servers:%s'


def _rule(name, check, description, method, path):
    return base.rule(SERVERS % name, check, description, method, path)


def _action(name, description, action):
    """A server action with its own policy name (Nova's os-* extensions)."""
    return base.server_action('os_compute_api:' + name,
                              base.PROJECT_MEMBER_OR_ADMIN, description,
                              action)


rules = [
    _rule('index', base.PROJECT_READER_OR_ADMIN, 'List servers.', 'GET',
          '/servers'),
    _rule('detail', base.PROJECT_READER_OR_ADMIN,
          'List servers with details.', 'GET', '/servers/detail'),
    _rule('index:get_all_tenants', base.ADMIN,
          'List the servers of all projects.', 'GET', '/servers'),
    _rule('detail:get_all_tenants', base.ADMIN,
          'List the servers of all projects with details.', 'GET',
          '/servers/detail'),
    _rule('show', base.PROJECT_READER_OR_ADMIN, 'Show a server.', 'GET',
          '/servers/{server_id}'),
    _rule('show:host_status', base.ADMIN,
          'Show host_status of servers (2.16).', 'GET',
          '/servers/{server_id}'),
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN, 'Create servers.',
          'POST', '/servers'),
    _rule('create:forced_host', base.ADMIN,
          'Place a new server on a host of the caller\'s choice.', 'POST',
          '/servers'),
    _rule('update', base.PROJECT_MEMBER_OR_ADMIN, 'Update a server.', 'PUT',
          '/servers/{server_id}'),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server.',
          'DELETE', '/servers/{server_id}'),
    _rule('reboot', base.PROJECT_MEMBER_OR_ADMIN, 'Reboot a server.',
          'POST', '/servers/{server_id}/action (reboot)'),
    _rule('stop', base.PROJECT_MEMBER_OR_ADMIN, 'Stop a server.', 'POST',
          '/servers/{server_id}/action (os-stop)'),
    _rule('start', base.PROJECT_MEMBER_OR_ADMIN, 'Start a server.', 'POST',
          '/servers/{server_id}/action (os-start)'),
    _action('os-pause-server:pause', 'Pause a server.', 'pause'),
    _action('os-pause-server:unpause', 'Unpause a server.', 'unpause'),
    _action('os-suspend-server:suspend', 'Suspend a server.', 'suspend'),
    _action('os-suspend-server:resume', 'Resume a suspended server.',
            'resume'),
    _action('os-console-output', 'Show the console output of a server.',
            'os-getConsoleOutput'),
]


def list_rules():
    return rules
