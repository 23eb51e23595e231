"""Default policies of shelve, shelveOffload and unshelve, as Nova's
``os_compute_api:os-shelve:*``."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-shelve:%s'

rules = [
    base.server_action(POLICY_ROOT % 'shelve', base.PROJECT_MEMBER_OR_ADMIN,
                       'Shelve a server.', 'shelve'),
    base.server_action(POLICY_ROOT % 'shelve_offload', base.ADMIN,
                       'Offload a shelved server.', 'shelveOffload'),
    base.server_action(POLICY_ROOT % 'unshelve',
                       base.PROJECT_MEMBER_OR_ADMIN,
                       'Unshelve (restore) a shelved server.', 'unshelve'),
    base.server_action(POLICY_ROOT % 'unshelve_to_host', base.ADMIN,
                       'Unshelve a shelved offloaded server to a host of '
                       'the caller\'s choice (2.91).', 'unshelve'),
]


def list_rules():
    return rules
