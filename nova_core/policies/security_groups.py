"""Default policies of the ``addSecurityGroup`` and ``removeSecurityGroup``
server actions (Nova's names)."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-security-groups:%s'

rules = [
    base.server_action(POLICY_ROOT % 'add', base.PROJECT_MEMBER_OR_ADMIN,
                       'Add a security group to a server.',
                       'addSecurityGroup'),
    base.server_action(POLICY_ROOT % 'remove', base.PROJECT_MEMBER_OR_ADMIN,
                       'Remove a security group from a server.',
                       'removeSecurityGroup'),
]


def list_rules():
    return rules
