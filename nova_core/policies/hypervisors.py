"""Default policies of ``/os-hypervisors``."""
from oslo_policy import policy

from nova_core.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-hypervisors:%s' % name, check_str=base.ADMIN,
        description=description,
        operations=[{'method': 'GET', 'path': path}])
    for name, description, path in (
        ('list', 'List hypervisors.', '/os-hypervisors'),
        ('list-detail', 'List hypervisors with details.',
         '/os-hypervisors/detail'),
        ('show', 'Show a hypervisor.', '/os-hypervisors/{hypervisor_id}'),
    )
]


def list_rules():
    return rules
