"""Default policies of ``/os-availability-zone``: anyone lists the zones,
admins see their hosts and services."""
from nova_core.policies import base

rules = [
    base.rule('os_compute_api:os-availability-zone:list', '@',
              'List availability zone information without host '
              'information.', 'GET', '/os-availability-zone'),
    base.rule('os_compute_api:os-availability-zone:detail', base.ADMIN,
              'List detailed availability zone information with host '
              'information.', 'GET', '/os-availability-zone/detail'),
]


def list_rules():
    return rules
