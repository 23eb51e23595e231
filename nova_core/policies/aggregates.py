"""Default policies of ``/os-aggregates`` (admins only, as Nova)."""
from nova_core.policies import base

_ACTION = '/os-aggregates/{aggregate_id}/action (%s)'

rules = [
    base.rule('os_compute_api:os-aggregates:%s' % name, base.ADMIN,
              description, method, path)
    for name, description, method, path in (
        ('index', 'List all aggregates.', 'GET', '/os-aggregates'),
        ('create', 'Create an aggregate.', 'POST', '/os-aggregates'),
        ('show', 'Show the details of an aggregate.', 'GET',
         '/os-aggregates/{aggregate_id}'),
        ('update', 'Update the name or availability zone of an aggregate.',
         'PUT', '/os-aggregates/{aggregate_id}'),
        ('delete', 'Delete an aggregate.', 'DELETE',
         '/os-aggregates/{aggregate_id}'),
        ('add_host', 'Add a host to an aggregate.', 'POST',
         _ACTION % 'add_host'),
        ('remove_host', 'Remove a host from an aggregate.', 'POST',
         _ACTION % 'remove_host'),
        ('set_metadata', 'Create or replace metadata of an aggregate.',
         'POST', _ACTION % 'set_metadata'),
    )
]


def list_rules():
    return rules
