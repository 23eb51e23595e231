"""Default policies of ``/flavors`` changes (Nova's os-flavor-manage)."""
from nova_core.policies import base

ROOT = 'os_compute_api:os-flavor-manage:%s'

rules = [
    base.rule(ROOT % name, base.ADMIN, description, method, path)
    for name, description, method, path in (
        ('create', 'Create a flavor.', 'POST', '/flavors'),
        ('update', 'Change the description of a flavor (2.55).', 'PUT',
         '/flavors/{flavor_id}'),
        ('delete', 'Delete a flavor.', 'DELETE', '/flavors/{flavor_id}'),
    )
]


def list_rules():
    return rules
