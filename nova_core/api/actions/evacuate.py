"""``evacuate``: rebuild a server of a dead compute host on another one,
as Nova's.

Only while the server's compute service is down (its heartbeat stale, or
forced down): else 400 ``ComputeServiceInUse``, as Nova answers. From
ACTIVE, STOPPED or ERROR with no task. Microversions: before 2.14
``onSharedStorage`` is required and ``adminPass`` is refused with shared
storage; the answer carries the password (``[api]
enable_instance_password``). 2.14 drops both. 2.29 adds ``force`` (a named
host bypasses the scheduler, as it always did before), 2.68 drops it; from
2.95 the server ends STOPPED. Nova answers 200.
"""
import secrets

import flask

from nova_core import exception
from nova_core.api import request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.schemas import types
from nova_core.db import images as db_images
from nova_core.db import services as db_services
from nova_core.states import task_states as ts
from nova_core.states import vm_states

VM_FROM = (vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR)
_PASSWORD = {'type': 'string'}


def schema(version):
    """Nova's ``evacuate`` schemas, by microversion."""
    props = {'host': types.hostname, 'onSharedStorage': types.boolean,
             'adminPass': _PASSWORD}
    required = ['onSharedStorage']
    if version.matches('2.14'):
        del props['onSharedStorage']
        required = []
    if version.matches('2.29', '2.67'):
        props['force'] = types.boolean
    return {'type': 'object', 'properties': {'evacuate': {
        'type': 'object', 'properties': props, 'required': required,
        'additionalProperties': False}},
        'required': ['evacuate'], 'additionalProperties': False}


def _force(version, args):
    host = args.get('host')
    if not version.matches('2.29'):
        return host is not None
    force = types.as_bool(args.get('force', False))
    if force and not host:
        raise exception.ValidationError(
            detail="Can't force to a non-provided destination")
    return host is not None and force


def _password(version, args):
    """Nova's ``_get_password`` (before 2.14) and ``_get_password_v214``."""
    if version.matches('2.14'):
        return args.get('adminPass') or secrets.token_urlsafe(9)
    shared = types.as_bool(args['onSharedStorage'])
    if 'adminPass' in args:
        if shared:
            raise exception.ValidationError(
                detail="admin password can't be changed on existing disk")
        return args['adminPass']
    return None if shared else secrets.token_urlsafe(9)


def _image_meta(instance):
    try:
        return servers_api_mod.image_meta(db_images.get(
            instance['image_ref']))
    except exception.ImageNotFound:
        raise exception.ValidationError(
            detail='Image %s of the server could not be found; it cannot '
                   'be rebuilt elsewhere.' % instance['image_ref'])


def _evacuate(ctx, api, instance, body):
    version = request.version()
    args = body['evacuate']
    host = args.get('host')
    force = _force(version, args)
    password = _password(version, args)
    if host is not None and not db_services.get_all(
            binary='nova-compute', host=host):
        raise exception.NotFound('Compute host %s not found.' % host)
    if instance['host'] == host:
        raise exception.ValidationError(
            detail="The target host can't be the same one.")
    servers_api_mod.check_state(instance, 'evacuate', VM_FROM, (None,))
    if instance['host'] is not None and api.host_up(instance['host']):
        raise exception.ComputeServiceInUse(host=instance['host'])
    meta = _image_meta(instance)
    target = vm_states.STOPPED if version.matches('2.95') else None
    api.run_action(ctx, instance, 'evacuate', VM_FROM, (None,),
                   ts.REBUILDING,
                   lambda c, i: api.conductor.evacuate_instance(
                       c, i, host, force, meta, admin_password=password,
                       target_state=target))
    if (not version.matches('2.14') and
            request.conf().api.enable_instance_password):
        return flask.jsonify({'adminPass': password}), 200
    return '', 200


ACTIONS = {
    # Nova checks no lock for an evacuation.
    'evacuate': Action('os_compute_api:os-evacuate', schema, _evacuate,
                       checks_lock=False),
}
