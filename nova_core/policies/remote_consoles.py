"""Default policy of console URLs (``/servers/{server_id}/remote-consoles``
and the console actions before 2.6): the server's project members."""
from oslo_policy import policy

from nova_core.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-remote-consoles',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Generate a URL to access a remote server console',
        operations=[{'method': 'POST', 'path': path} for path in (
            '/servers/{server_id}/action (os-getSerialConsole)',
            '/servers/{server_id}/action (os-getSPICEConsole)',
            '/servers/{server_id}/action (os-getVNCConsole)',
            '/servers/{server_id}/remote-consoles')]),
]


def list_rules():
    return rules
