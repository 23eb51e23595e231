"""``migrate``: the cold migration of a server, as Nova's.

A cold migration is a resize to the flavor the server has, onto another
host (the one an admin names from 2.56 on, else one the conductor picks):
the server goes through ``resize_prep`` to VERIFY_RESIZE and is then
confirmed or reverted as a resize is (see
:mod:`nova_core.api.actions.resize`); its migration's type is
``migration``. The API answers 202 once the conductor has it; no host to
go to leaves the server as it was, with a fault, as in Nova.
"""
from nova_core import exception
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.actions.resize import VM_FROM
from nova_core.api.schemas import types
from nova_core.db import services as db_services
from nova_core.image import recorded as recorded_image
from nova_core.states import task_states as ts


def schema(version):
    """Nova's ``migrate`` (null) and, from 2.56, ``migrate_v2_56``
    (null or ``{"host": ...}``)."""
    value = {'type': 'null'}
    if version.matches('2.56'):
        value = {'oneOf': [value, {
            'type': 'object', 'properties': {'host': types.hostname},
            'additionalProperties': False}]}
    return {'type': 'object', 'properties': {'migrate': value},
            'required': ['migrate'], 'additionalProperties': False}


def _host(instance, body):
    """The requested destination, checked as Nova's API checks it.

    :raises: CannotMigrateToSameHost, ValidationError (400).
    """
    host = (body['migrate'] or {}).get('host')
    if host is None:
        return None
    if host == instance['host']:
        raise exception.CannotMigrateToSameHost()
    if not db_services.node_get_all(host=host):
        # Nova answers 400 here: the host is a bad argument, not the
        # resource of the request.
        raise exception.ValidationError(detail=exception.ComputeHostNotFound(
            host=host).format_message())
    return host


def _migrate(ctx, api, instance, body):
    servers_api_mod.check_state(instance, 'migrate', VM_FROM, (None,))
    host = _host(instance, body)
    flavor = instance['flavor']
    api.run_action(ctx, instance, 'migrate', VM_FROM, (None,),
                   ts.RESIZE_PREP,
                   lambda c, i: api.conductor.migrate_server(
                       c, i, flavor, recorded_image.from_instance(i),
                       migration_type='migration', host=host))


ACTIONS = {
    'migrate': Action('os_compute_api:os-migrate-server:migrate', schema,
                      _migrate),
}
