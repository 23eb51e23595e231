"""Default policy of the ``os-resetState`` server action."""
from oslo_policy import policy

from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-admin-actions:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'reset_state', check_str=base.ADMIN,
        description='Reset the state of a server: set its vm_state to '
                    'active or error and clear its task_state.',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (os-resetState)'}]),
]


def list_rules():
    return rules
