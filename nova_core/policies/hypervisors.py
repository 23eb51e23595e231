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
        ('statistics', 'Show summary statistics of all hypervisors '
         '(before 2.88).', '/os-hypervisors/statistics'),
        ('uptime', 'Show the uptime of a hypervisor (before 2.88).',
         '/os-hypervisors/{hypervisor_id}/uptime'),
        ('search', 'Search hypervisors by hostname pattern (before 2.53).',
         '/os-hypervisors/{hypervisor_hostname_pattern}/search'),
        ('servers', 'List the servers of hypervisors matching a hostname '
         'pattern (before 2.53).',
         '/os-hypervisors/{hypervisor_hostname_pattern}/servers'),
    )
]


def list_rules():
    return rules
