"""Default policies of ``restore`` and ``forceDelete`` (soft delete)."""
from nova_core.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-deferred-delete:%s'


def _rule(name, description, action):
    return base.server_action(BASE_POLICY_NAME % name,
                              base.PROJECT_MEMBER_OR_ADMIN, description,
                              action)


rules = [
    _rule('restore', 'Restore a soft deleted server.', 'restore'),
    _rule('force', 'Force delete a server before deferred cleanup.',
          'forceDelete'),
]


def list_rules():
    return rules
