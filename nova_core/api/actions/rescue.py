"""``rescue`` and ``unrescue``, as Nova's.

Rescue boots the server from a rescue image (``rescue_image_ref``, else
its own image) with its disk attached, so a user can repair a guest that
no longer boots; the server is RESCUE until unrescued. The answer (200)
carries the rescue password when ``[api] enable_instance_password``.
"""
import secrets

import flask

from nova_core import exception
from nova_core.api import request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.schemas import server_lifecycle as schemas
from nova_core.db import images as db_images
from nova_core.image import recorded as recorded_image
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

VM_FROM = (vs.ACTIVE, vs.STOPPED, vs.ERROR)


def _rescue_image(ctx, instance, image_ref):
    """The image to boot the rescue from, as the compute reads it.

    :raises: InstanceNotRescuable (400) for an image the caller cannot see
        or that is not active.
    """
    if image_ref is None:
        try:
            return servers_api_mod.image_meta(db_images.get(
                instance['image_ref']))
        except exception.ImageNotFound:
            # The image is gone: what the server recorded of it at boot.
            return recorded_image.from_instance(instance)
    try:
        image = db_images.get(image_ref, None if ctx.is_admin
                              else ctx.project_id)
    except exception.ImageNotFound:
        raise exception.InstanceNotRescuable(
            instance_id=instance['uuid'],
            reason='Image %s could not be found.' % image_ref)
    if image['status'] != 'active':
        raise exception.InstanceNotRescuable(
            instance_id=instance['uuid'],
            reason='Image %s is not active.' % image_ref)
    return servers_api_mod.image_meta(image)


def _rescue(ctx, api, instance, body):
    args = body['rescue'] or {}
    password = args.get('adminPass') or secrets.token_urlsafe(9)
    servers_api_mod.check_state(instance, 'rescue', VM_FROM, (None,))
    image = _rescue_image(ctx, instance, args.get('rescue_image_ref'))
    api.run_action(ctx, instance, 'rescue', VM_FROM, (None,), ts.RESCUING,
                   lambda c, i: api.compute.rescue_instance(c, i, image,
                                                            password))
    if request.conf().api.enable_instance_password:
        return flask.jsonify({'adminPass': password}), 200
    return flask.jsonify({}), 200


def _unrescue(ctx, api, instance, body):
    api.run_action(ctx, instance, 'unrescue', (vs.RESCUED,), (None,),
                   ts.UNRESCUING, api.compute.unrescue_instance)


ACTIONS = {
    'rescue': Action('os_compute_api:os-rescue', schemas.RESCUE, _rescue),
    'unrescue': Action('os_compute_api:os-unrescue',
                       schemas.no_argument('unrescue'), _unrescue),
}
