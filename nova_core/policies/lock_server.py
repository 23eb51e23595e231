"""Default policies of the ``lock`` and ``unlock`` server actions."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-lock-server:%s'


def _rule(name, check, description, action):
    return base.server_action(POLICY_ROOT % name, check, description, action)


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
