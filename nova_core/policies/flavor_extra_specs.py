"""Default policies of ``/flavors/{id}/os-extra_specs``.

``index`` also decides whether flavor views show ``extra_specs`` (2.61)
and servers show their flavor's (2.47), as in Nova.
"""
from nova_core.policies import base

ROOT = 'os_compute_api:os-flavor-extra-specs:%s'
PATH = '/flavors/{flavor_id}/os-extra_specs'

rules = [
    base.rule(ROOT % name, check, description, method, path)
    for name, check, description, method, path in (
        ('index', base.PROJECT_READER_OR_ADMIN,
         'List the extra specs of a flavor.', 'GET', PATH),
        ('show', base.PROJECT_READER_OR_ADMIN,
         'Show one extra spec of a flavor.', 'GET', PATH + '/{key}'),
        ('create', base.ADMIN, 'Add extra specs to a flavor.', 'POST',
         PATH),
        ('update', base.ADMIN, 'Change one extra spec of a flavor.', 'PUT',
         PATH + '/{key}'),
        ('delete', base.ADMIN, 'Delete one extra spec of a flavor.',
         'DELETE', PATH + '/{key}'),
    )
]


def list_rules():
    return rules
