"""Default policies of the image registry (Glance's names)."""
from oslo_policy import policy

from nova_core.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='publicize_image', check_str=base.ADMIN,
        description='Make an image public.',
        operations=[{'method': 'POST', 'path': '/image/v2/images'},
                    {'method': 'PATCH', 'path': '/image/v2/images/{id}'}]),
    policy.DocumentedRuleDefault(
        name='modify_image', check_str=(
            'rule:context_is_admin or project_id:%(owner)s'),
        description='Change, upload to or delete an image.',
        operations=[{'method': 'PATCH', 'path': '/image/v2/images/{id}'},
                    {'method': 'PUT', 'path': '/image/v2/images/{id}/file'},
                    {'method': 'DELETE', 'path': '/image/v2/images/{id}'}]),
]


def list_rules():
    return rules
