"""Default policies of ``/os-hosts`` (before 2.43): admins only, as in
Nova."""
from nova_core.policies import base

_PATH = '/os-hosts/{host_name}'

rules = [
    base.rule('os_compute_api:os-hosts:list', base.ADMIN, 'List hosts',
              'GET', '/os-hosts'),
    base.rule('os_compute_api:os-hosts:show', base.ADMIN,
              'Show details for a host', 'GET', _PATH),
    base.rule('os_compute_api:os-hosts:update', base.ADMIN,
              'Update physical host', 'PUT', _PATH),
    base.rule('os_compute_api:os-hosts:reboot', base.ADMIN,
              'Reboot physical host', 'GET', _PATH + '/reboot'),
    base.rule('os_compute_api:os-hosts:shutdown', base.ADMIN,
              'Shutdown physical host', 'GET', _PATH + '/shutdown'),
    base.rule('os_compute_api:os-hosts:start', base.ADMIN,
              'Start physical host', 'GET', _PATH + '/startup'),
]


def list_rules():
    return rules
