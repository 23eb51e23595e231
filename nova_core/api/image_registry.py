"""The built-in image registry's rules, shared by both image APIs.

Records live in the database, data in :class:`nova_core.image.store.
ImageStore`. Statuses follow Glance v2: ``queued`` until data arrives,
``saving`` while it does, ``active`` after, ``killed`` on a failed upload.
"""
import uuid as uuid_lib

from nova_core import exception, policy
from nova_core.api import validation
from nova_core.api.schemas import images as schemas
from nova_core.db import images as db_images


def visible_to(context):
    """The project whose view applies: None (all) for admins."""
    return None if context.is_admin else context.project_id


def get(context, image_id):
    """:raises: ImageNotFound, also for images the caller may not see."""
    return db_images.get(image_id, visible_to(context))


def get_owned(context, image_id):
    """An image the caller may change (policy ``modify_image``).

    :raises: ImageNotFound, Forbidden.
    """
    image = get(context, image_id)
    policy.authorize(context, 'modify_image', {'owner': image['owner'],
                                               'project_id': image['owner']})
    return image


def _check_publicize(context, values):
    if values.get('visibility') == 'public':
        policy.authorize(context, 'publicize_image')


def _check_owner(context, owner):
    """Glance's rule: only an admin makes images for another project."""
    if not context.is_admin and owner != context.project_id:
        raise exception.Forbidden(
            "You are not permitted to create images owned by '%s'." % owner)


def create(context, document):
    """:raises: Forbidden for read-only attributes, another project's
    ``owner`` or public images by non-admins; ImageExists for an id ever
    used."""
    for key in document:
        if key in schemas.READ_ONLY:
            raise exception.Forbidden(
                action="setting read-only attribute '%s'" % key)
    _check_publicize(context, document)
    _check_owner(context, document.get('owner', context.project_id))
    values = {k: document[k] for k in schemas.SETTABLE if k in document
              and k != 'os_hidden'}
    values['properties'] = {k: v for k, v in document.items()
                            if k not in schemas.SETTABLE and k != 'id'}
    values.setdefault('visibility', 'shared')
    values.setdefault('owner', context.project_id)
    values.setdefault('tags', [])
    image_id = document.get('id') or str(uuid_lib.uuid4())
    return db_images.create(dict(values, id=image_id, status='queued'))


def patch(context, image, operations):
    """Apply JSON-patch ``operations`` (add, replace, remove)."""
    values = {}
    properties = dict(image['properties'] or {})
    for op in operations:
        key = op['path'][1:]
        if key in schemas.READ_ONLY or key == 'id':
            raise exception.Forbidden(
                action="changing read-only attribute '%s'" % key)
        if key == 'owner' and not context.is_admin:
            raise exception.Forbidden("Owner can't be updated by non admin.")
        if op['op'] == 'remove':
            if key in schemas.SETTABLE:
                raise exception.Forbidden(
                    action="removing base attribute '%s'" % key)
            if key not in properties:
                raise exception.Conflict(reason='Property %s does not '
                                                'exist.' % key)
            del properties[key]
            continue
        if 'value' not in op:
            raise exception.ValidationError(
                detail='Operation %s on %s needs a value.' % (op['op'],
                                                              op['path']))
        schema = schemas.SETTABLE.get(key, schemas.PROPERTY)
        validation.check({'type': 'object', 'properties': {key: schema}},
                         {key: op['value']})
        if key in schemas.SETTABLE:
            values[key] = op['value']
        else:
            properties[key] = op['value']
    _check_publicize(context, values)
    values.pop('os_hidden', None)
    values['properties'] = properties
    return db_images.update(image['id'], values)


def upload(store, image, stream):
    """Store data for a queued image and make it active.

    :raises: Conflict unless the image is queued; ImageTooLarge.
    """
    db_images.update(image['id'], {'status': 'saving'},
                     expected_status=('queued',))
    try:
        facts = store.write(image['id'], stream)
    except BaseException:
        db_images.update(image['id'], {'status': 'queued'})
        raise
    return db_images.update(image['id'], dict(facts, status='active'))


def delete(store, context, image):
    """:raises: Forbidden for protected images."""
    if image['protected']:
        raise exception.Forbidden(action='deleting protected image %s'
                                  % image['id'])
    db_images.destroy(image['id'])
    store.delete(image['id'])
