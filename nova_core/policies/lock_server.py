"""Default policies of the ``lock`` and ``unlock`` server actions."""
from oslo_policy import policy

from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-lock-server:%s'


def _rule(name, check, description, action):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % name, check_str=check, description=description,
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (%s)' % action}])


rules = [
    _rule('lock', base.PROJECT_MEMBER_OR_ADMIN, 'Lock a server.', 'lock'),
    _rule('unlock', base.PROJECT_MEMBER_OR_ADMIN, 'Unlock a server.',
          'unlock'),
    # Checked as well as ``unlock`` when the server was locked by someone
    # of the other kind (an admin's lock, unlocked by its owner).
    _rule('unlock:unlock_override', base.ADMIN,
          'Unlock a server that someone else locked: by default only an '
          'administrator may lift a lock the owner did not set.', 'unlock'),
]


def list_rules():
    return rules
