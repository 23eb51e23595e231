"""Default policies of ``/os-keypairs``: a user's own keys, or an admin."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-keypairs:%s'
ADMIN_OR_OWNER = '(%s) or user_id:%%(user_id)s' % base.ADMIN

rules = [
    base.rule(ROOT % name, ADMIN_OR_OWNER, description, method, path)
    for name, description, method, path in (
        ('index', 'List the key pairs of a user.', 'GET', '/os-keypairs'),
        ('create', 'Create or import a key pair.', 'POST', '/os-keypairs'),
        ('show', 'Show a key pair.', 'GET', '/os-keypairs/{keypair_name}'),
        ('delete', 'Delete a key pair.', 'DELETE',
         '/os-keypairs/{keypair_name}'),
    )
]


def list_rules():
    return rules
