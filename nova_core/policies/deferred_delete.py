"""Default policies of ``restore`` and ``forceDelete`` (soft delete)."""
from oslo_policy import policy

from nova_core.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-deferred-delete:%s'


def _rule(name, description, action):
    return policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % name, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description=description,
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (%s)' % action}])


rules = [
    _rule('restore', 'Restore a soft deleted server.', 'restore'),
    _rule('force', 'Force delete a server before deferred cleanup.',
          'forceDelete'),
]


def list_rules():
    return rules
