"""Default policies of rescue and unrescue, as Nova's."""
from nova_core.policies import base

rules = [
    base.server_action('os_compute_api:os-rescue',
                       base.PROJECT_MEMBER_OR_ADMIN, 'Rescue a server.',
                       'rescue'),
    base.server_action('os_compute_api:os-unrescue',
                       base.PROJECT_MEMBER_OR_ADMIN, 'Unrescue a server.',
                       'unrescue'),
]


def list_rules():
    return rules
