"""``rebuild``: the same server (id, flavor, host) booted from an image
again, maybe another one, with its name, metadata, key and user data
optionally replaced, as Nova's ``_action_rebuild``.

The API checks the image like a create does, changes the instance's
record and moves it to ``task_state=rebuilding`` in one conditional
UPDATE, then casts the rebuild to the compute host.
"""
import secrets

import flask

from nova_core import exception, policy, quota, utils
from nova_core.api import request, server_detail
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action, plugged_in
from nova_core.api.schemas import server_actions_move as schemas
from nova_core.api.schemas import types
from nova_core.db import images as db_images
from nova_core.db import keypairs as db_keypairs
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

VM_FROM = (vs.ACTIVE, vs.STOPPED, vs.ERROR)

#: What the rebuild response leaves out before 2.75, as Nova's view built
#: with ``show_extended_attr``, ``show_AZ``, ... all False.
def _image(ctx, image_ref, flavor):
    """The image to rebuild from, checked as Nova checks it.

    :raises: ValidationError/Invalid (400).
    """
    try:
        image = db_images.get(image_ref, None if ctx.is_admin
                              else ctx.project_id)
    except exception.ImageNotFound:
        raise exception.ValidationError(detail='Cannot find image for '
                                               'rebuild')
    servers_api_mod.check_image_fits(image, flavor)
    return image


def rebuilt_system_metadata(system_metadata, image):
    """``system_metadata`` with its ``image_*`` keys those of ``image``."""
    result = {k: v for k, v in (system_metadata or {}).items()
              if not k.startswith('image_')}
    result.update(servers_api_mod.image_system_metadata(image),
                  image_base_image_ref=image['id'])
    return result


def _values(ctx, instance, args, image):
    """The instance's columns a rebuild request changes."""
    values = {'image_ref': image['id'],
              'system_metadata': rebuilt_system_metadata(
                  instance['system_metadata'], image)}
    for field, column in (('name', 'display_name'),
                          ('accessIPv4', 'access_ip_v4'),
                          ('accessIPv6', 'access_ip_v6'),
                          ('description', 'display_description'),
                          ('hostname', 'hostname'),
                          ('user_data', 'user_data')):
        if field in args:
            values[column] = args[field]
    if values.get('access_ip_v6'):
        values['access_ip_v6'] = utils.compressed_ipv6(values['access_ip_v6'])
    if 'metadata' in args:
        quota.check_metadata_items(ctx, instance['project_id'],
                                   len(args['metadata']))
        values['meta'] = args['metadata']
    if 'key_name' in args:
        values.update(db_keypairs.for_instance(ctx.user_id,
                                               args['key_name']))
    return values


def _check_trusted_certs(ctx, instance, args):
    if 'trusted_image_certificates' not in args:
        return
    policy.authorize(ctx, 'os_compute_api:servers:rebuild:trusted_certs',
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    if args['trusted_image_certificates'] is not None:
        raise exception.ValidationError(
            detail='Image certificate validation is not supported by '
                   'nova-core: trusted_image_certificates can only be '
                   'null.')


def _rebuild(ctx, api, instance, body):
    args = body['rebuild']
    servers_api_mod.check_state(instance, 'rebuild', VM_FROM, (None,))
    _check_trusted_certs(ctx, instance, args)
    if args.get('personality'):
        raise exception.ValidationError(
            detail='Personality files are not supported; use user_data '
                   'or config drive instead.')
    image = _image(ctx, args['imageRef'], instance['flavor'])
    values = _values(ctx, instance, args, image)
    password = args.get('adminPass') or secrets.token_urlsafe(9)
    preserve = types.as_bool(args.get('preserve_ephemeral', False))
    instance = api.run_action(
        ctx, instance, 'rebuild', VM_FROM, (None,), ts.REBUILDING,
        lambda c, i: api.compute.rebuild_instance(
            c, plugged_in(i), servers_api_mod.image_meta(image), password,
            preserve),
        values=values)
    view = server_detail.show_changed(instance, rebuilt=True)
    if request.conf().api.enable_instance_password:
        view['adminPass'] = password
    return flask.jsonify({'server': view}), 202


ACTIONS = {
    'rebuild': Action('os_compute_api:servers:rebuild', schemas.rebuild,
                      _rebuild),
}
