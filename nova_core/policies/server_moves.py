"""Default policies of rebuild, resize (confirm, revert) and createImage."""
from nova_core.policies import base

SERVERS = 'os_compute_api:servers:%s'


def _action(name, check, description, action):
    return base.server_action(SERVERS % name, check, description, action)


rules = [
    _action('rebuild', base.PROJECT_MEMBER_OR_ADMIN, 'Rebuild a server.',
            'rebuild'),
    _action('rebuild:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
            'Rebuild a server with trusted image certificate IDs (2.63).',
            'rebuild'),
    _action('resize', base.PROJECT_MEMBER_OR_ADMIN, 'Resize a server.',
            'resize'),
    _action('confirm_resize', base.PROJECT_MEMBER_OR_ADMIN,
            'Confirm a server resize.', 'confirmResize'),
    _action('revert_resize', base.PROJECT_MEMBER_OR_ADMIN,
            'Revert a server resize.', 'revertResize'),
    base.server_action('os_compute_api:os-migrate-server:migrate',
                       base.ADMIN, 'Cold migrate a server to a host.',
                       'migrate'),
    base.server_action('os_compute_api:os-migrate-server:migrate_live',
                       base.ADMIN, 'Live migrate a server to a new host '
                       'without a reboot.', 'os-migrateLive'),
    base.server_action('os_compute_api:os-evacuate', base.ADMIN,
                       'Evacuate a server from a failed host to a new host.',
                       'evacuate'),
    _action('create_image', base.PROJECT_MEMBER_OR_ADMIN,
            'Create an image from a server.', 'createImage'),
]


def list_rules():
    return rules
