"""Default policy of ``/os-server-external-events``: the services that
report events (the network and volume services), as Nova's
``service_or_admin``."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-server-external-events:%s'

rules = [
    base.rule(POLICY_ROOT % 'create', base.SERVICE_OR_ADMIN,
              'Create one or more external events.', 'POST',
              '/os-server-external-events'),
]


def list_rules():
    return rules
