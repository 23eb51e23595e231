"""``os-migrateLive``: move a running server to another host, as Nova's.

Microversions: before 2.25 ``block_migration`` and ``disk_over_commit``
are required booleans; from 2.25 ``disk_over_commit`` is gone and
``block_migration`` may be ``"auto"``; from 2.30 ``force`` (with a host)
bypasses the scheduler, which a named host always did before; 2.68 drops
``force`` again. ``host`` may be null (the conductor picks one). Before
2.34 the conductor's pre-checks answer here (400); from 2.34 the API
answers 202 and a failed check leaves the server ACTIVE with its migration
in ``error`` (Nova's asynchronous pre-checks). nova-core moves no disk of
its own (the fake driver moves its record), so ``block_migration`` is
validated but changes nothing.
"""
import copy

from nova_core import exception
from nova_core.api import request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.schemas import types
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.db import services as db_services
from nova_core.states import task_states as ts
from nova_core.states import vm_states

ACTION = 'os-migrateLive'
VM_FROM = (vm_states.ACTIVE, vm_states.PAUSED)
_HOST = dict(types.hostname, type=['string', 'null'])
_AUTO = copy.deepcopy(types.boolean)
_AUTO['enum'].append('auto')
#: The conductor's pre-check errors, answered 400 before 2.34.
PRECHECK_ERRORS = (exception.NoValidHost, exception.UnableToMigrateToSelf,
                   exception.ComputeServiceUnavailable,
                   exception.MigrationPreCheckError)


def schema(version):
    """Nova's ``migrate_live`` schemas, by microversion."""
    props = {'block_migration': types.boolean,
             'disk_over_commit': types.boolean, 'host': _HOST}
    required = ['block_migration', 'disk_over_commit', 'host']
    if version.matches('2.25'):
        del props['disk_over_commit']
        props['block_migration'] = _AUTO
        required = ['block_migration', 'host']
    if version.matches('2.30', '2.67'):
        props['force'] = types.boolean
    return {'type': 'object', 'properties': {ACTION: {
        'type': 'object', 'properties': props, 'required': required,
        'additionalProperties': False}},
        'required': [ACTION], 'additionalProperties': False}


def forced(version, args):
    """Whether a named host bypasses the scheduler: always before 2.30,
    with ``force`` from 2.30, never from 2.68.

    :raises: ValidationError for ``force`` without a host.
    """
    host = args['host']
    if not version.matches('2.30'):
        return host is not None
    force = types.as_bool(args.get('force', False))
    if force and not host:
        raise exception.ValidationError(
            detail="Can't force to a non-provided destination")
    return host is not None and force


def check_source(instance):
    """The server's host must be able to live-migrate (what its driver
    reported); the libvirt driver cannot.

    :raises: MigrationPreCheckError (400), nothing changed.
    """
    capability = compute_rpcapi.LIVE_MIGRATION_CAPABILITY
    nodes = db_services.node_get_all(host=instance['host'])
    if not any((n.get('capabilities') or {}).get(capability)
               for n in nodes):
        raise exception.MigrationPreCheckError(
            reason='The compute driver of host %s does not support live '
                   'migration.' % instance['host'])


def _migrate_live(ctx, api, instance, body):
    version = request.version()
    args = body[ACTION]
    force = forced(version, args)
    host = args['host']
    async_ = version.matches('2.34')
    servers_api_mod.check_state(instance, ACTION, VM_FROM, (None,))
    if host is not None and not db_services.node_get_all(host=host):
        raise exception.ValidationError(detail=exception.ComputeHostNotFound(
            host=host).format_message())
    check_source(instance)
    try:
        api.run_action(ctx, instance, 'live-migration', VM_FROM, (None,),
                       ts.MIGRATING,
                       lambda c, i: api.conductor.live_migrate_instance(
                           c, i, host, force, async_))
    except PRECHECK_ERRORS as exc:
        raise exception.ValidationError(detail=exc.format_message())


ACTIONS = {
    ACTION: Action('os_compute_api:os-migrate-server:migrate_live', schema,
                   _migrate_live),
}
