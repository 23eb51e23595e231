"""Default policy of the ``os-resetState`` server action."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-admin-actions:%s'

rules = [
    base.server_action(
        POLICY_ROOT % 'reset_state', base.ADMIN,
        'Reset the state of a server: set its vm_state to active or error '
        'and clear its task_state.', 'os-resetState'),
]


def list_rules():
    return rules
