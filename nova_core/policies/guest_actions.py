"""Default policies of createBackup, changePassword and
trigger_crash_dump, as Nova's."""
from nova_core.policies import base

rules = [
    base.server_action('os_compute_api:os-create-backup',
                       base.PROJECT_MEMBER_OR_ADMIN,
                       'Create a back up of a server.', 'createBackup'),
    base.server_action('os_compute_api:os-admin-password',
                       base.PROJECT_MEMBER_OR_ADMIN,
                       'Change the administrative password of a server.',
                       'changePassword'),
    base.server_action('os_compute_api:servers:trigger_crash_dump',
                       base.PROJECT_MEMBER_OR_ADMIN,
                       'Trigger a crash dump in a server (2.17).',
                       'trigger_crash_dump'),
]


def list_rules():
    return rules
