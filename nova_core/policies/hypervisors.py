"""Default policies of ``/os-hypervisors``."""
from nova_core.policies import base

rules = [
    base.rule('os_compute_api:os-hypervisors:%s' % name, base.ADMIN,
              description, 'GET', path)
    for name, description, path in (
        ('list', 'List hypervisors.', '/os-hypervisors'),
        ('list-detail', 'List hypervisors with details.',
         '/os-hypervisors/detail'),
        ('show', 'Show a hypervisor.', '/os-hypervisors/{hypervisor_id}'),
    )
]


def list_rules():
    return rules
