"""``createBackup``: a snapshot of type ``backup`` in the built-in image
registry, then the rotation, as Nova's ``create_backup`` controller and
compute ``backup_instance``.

The image carries ``image_type=backup`` and ``backup_type``; once the
compute host has uploaded it, it deletes the oldest backups of the server
with that ``backup_type`` beyond ``rotation`` (0 keeps none, not even
the new one, as Nova's ``_rotate_backups``).
"""
import flask

from nova_core import quota
from nova_core.api import links, request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.actions.snapshot import VM_FROM, snapshot_record
from nova_core.api.schemas import server_lifecycle as schemas
from nova_core.db import images as db_images
from nova_core.states import task_states as ts


def backup_record(ctx, instance, name, backup_type, metadata):
    """The image record of a backup: a snapshot's, typed ``backup``."""
    record = snapshot_record(ctx, instance, name, metadata)
    record['properties'].update(image_type='backup', backup_type=backup_type)
    return record


def _create_backup(ctx, api, instance, body):
    args = body['createBackup']
    rotation = int(args['rotation'])
    servers_api_mod.check_state(instance, 'createBackup', VM_FROM, (None,))
    metadata = args.get('metadata') or {}
    quota.check_metadata_items(ctx, ctx.project_id, len(metadata))
    image = db_images.create(backup_record(
        ctx, instance, args['name'].strip(), args['backup_type'], metadata))
    try:
        api.run_action(ctx, instance, 'createBackup', VM_FROM, (None,),
                       ts.IMAGE_BACKUP,
                       lambda c, i: api.compute.backup_instance(
                           c, i, image['id'], args['backup_type'], rotation))
    except BaseException:
        db_images.destroy(image['id'])
        raise
    if request.version().matches('2.45'):
        return flask.jsonify({'image_id': image['id']}), 202
    if rotation > 0:
        return '', 202, {'Location': '%s/v2.1/images/%s' % (
            links.base_url(), image['id'])}
    return '', 202


ACTIONS = {
    'createBackup': Action('os_compute_api:os-create-backup',
                           schemas.CREATE_BACKUP, _create_backup),
}
