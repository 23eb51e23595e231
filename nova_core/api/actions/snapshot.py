"""``createImage``: snapshot a server's disk into a new image of the
built-in registry, as Nova's ``_action_create_image``.

The API records the image (``queued``, owned by the caller's project, with
the properties Nova gives snapshots) and casts the snapshot to the
compute host, which uploads the data through the Glance v2 API
(``PUT /image/v2/images/{id}/file``), making the image ``active``. A
snapshot that fails deletes its image.
"""
import uuid as uuid_lib

import flask

from nova_core import quota
from nova_core.api import links, request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.schemas import server_actions_move as schemas
from nova_core.db import images as db_images
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

VM_FROM = (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED)
#: Image properties a snapshot does not inherit (Nova's
#: ``non_inheritable_image_properties`` default).
NON_INHERITABLE = frozenset((
    'cache_in_nova', 'bittorrent', 'img_signature_hash_method',
    'img_signature', 'img_signature_key_type',
    'img_signature_certificate_uuid'))
#: Image attributes kept in system metadata that are not properties.
_NOT_PROPERTIES = frozenset(('disk_format', 'container_format', 'min_ram',
                             'min_disk', 'base_image_ref'))


def snapshot_record(ctx, instance, name, metadata):
    """The image record of a snapshot of ``instance``."""
    system_metadata = instance['system_metadata'] or {}
    inherited = {k[len('image_'):]: v for k, v in system_metadata.items()
                 if k.startswith('image_')}
    properties = {k: v for k, v in inherited.items()
                  if k not in _NOT_PROPERTIES and k not in NON_INHERITABLE}
    properties.update({
        'instance_uuid': instance['uuid'], 'user_id': ctx.user_id,
        'image_type': 'snapshot',
        'base_image_ref': inherited.get('base_image_ref') or
        instance['image_ref'],
        'owner_user_name': ctx.user_id, 'owner_project_name':
        ctx.project_id})
    properties.update(metadata)
    return {'id': str(uuid_lib.uuid4()), 'name': name, 'status': 'queued',
            'visibility': 'private', 'owner': ctx.project_id,
            # The driver sets disk_format when it uploads; the data is
            # always a bare disk.
            'disk_format': None, 'container_format': 'bare',
            'min_ram': int(inherited.get('min_ram') or 0),
            'min_disk': max(int(inherited.get('min_disk') or 0),
                            instance['root_gb'] or 0),
            'tags': [], 'properties': properties}


def _create_image(ctx, api, instance, body):
    args = body['createImage']
    servers_api_mod.check_state(instance, 'snapshot', VM_FROM, (None,))
    metadata = args.get('metadata') or {}
    quota.check_metadata_items(ctx, ctx.project_id, len(metadata))
    image = db_images.create(snapshot_record(ctx, instance, args['name'],
                                             metadata))
    try:
        api.run_action(ctx, instance, 'createImage', VM_FROM, (None,),
                       ts.IMAGE_SNAPSHOT,
                       lambda c, i: api.compute.snapshot_instance(
                           c, i, image['id']))
    except BaseException:
        db_images.destroy(image['id'])
        raise
    if request.version().matches('2.45'):
        return flask.jsonify({'image_id': image['id']}), 202
    return '', 202, {'Location': '%s/image/v2/images/%s' % (
        links.base_url(), image['id'])}


ACTIONS = {
    'createImage': Action('os_compute_api:servers:create_image',
                          schemas.CREATE_IMAGE, _create_image),
}
