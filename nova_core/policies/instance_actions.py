"""Default policies of ``/servers/{id}/os-instance-actions``."""
from oslo_policy import policy

from nova_core.policies import base

ROOT = 'os_compute_api:os-instance-actions:%s'
PATH = '/servers/{server_id}/os-instance-actions'

rules = [
    policy.DocumentedRuleDefault(
        name=ROOT % 'list', check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the actions of a server.',
        operations=[{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        name=ROOT % 'show', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show an action of a server.',
        operations=[{'method': 'GET', 'path': PATH + '/{request_id}'}]),
    policy.DocumentedRuleDefault(
        name=ROOT % 'events', check_str=base.ADMIN,
        description='Show the events of an action before microversion '
                    '2.51, and their tracebacks at any.',
        operations=[{'method': 'GET', 'path': PATH + '/{request_id}'}]),
    policy.DocumentedRuleDefault(
        name=ROOT % 'events:details', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the details of events (2.84).',
        operations=[{'method': 'GET', 'path': PATH + '/{request_id}'}]),
]


def list_rules():
    return rules
