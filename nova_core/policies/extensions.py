"""Default policy of ``/extensions``: anyone may read the list."""
from nova_core.policies import base

BASE_POLICY_NAME = 'os_compute_api:extensions'

rules = [
    base.rule(BASE_POLICY_NAME, '@',
              'List the API extensions, or show one (a fixed list kept for '
              'clients of the pre-microversion API).',
              'GET', '/extensions'),
]


def list_rules():
    return rules
