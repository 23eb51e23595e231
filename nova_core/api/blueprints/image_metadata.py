"""``/images/{id}/metadata``: Nova's image-metadata proxy (removed in 2.39),
the image's properties in the built-in registry as key/value strings.

Reads need only that the caller sees the image; changes follow the
registry's ``modify_image`` rule (as Glance's answer would) and the
project's ``metadata_items`` quota, counted on the result as Nova does.
"""
import flask

from nova_core import exception, quota
from nova_core.api import image_registry, request, validation
from nova_core.api.schemas import server_metadata as schemas
from nova_core.db import images as db_images

bp = flask.Blueprint('image_metadata', __name__)

PATH = '/images/<image_id>/metadata'


def _image(image_id, owned=False):
    """:raises: NotFound from 2.39 on, ImageNotFound, Forbidden."""
    if request.version().matches('2.39'):
        raise exception.NotFound()
    ctx = request.context()
    if owned:
        return image_registry.get_owned(ctx, image_id)
    return image_registry.get(ctx, image_id)


def _strings(properties):
    return {k: str(v) for k, v in (properties or {}).items()}


def _store(image, properties):
    ctx = request.context()
    quota.check_metadata_items(ctx, ctx.project_id, len(properties))
    return db_images.update(image['id'], {'properties': properties})


@bp.get(PATH)
@validation.schema()
def index(image_id):
    return flask.jsonify({'metadata': _strings(_image(image_id)[
        'properties'])})


@bp.post(PATH)
@validation.schema(body=schemas.METADATA)
def create(image_id):
    image = _image(image_id, owned=True)
    items = validation.body()['metadata']
    image = _store(image, {**(image['properties'] or {}), **items})
    return flask.jsonify({'metadata': _strings(image['properties'])})


@bp.put(PATH)
@validation.schema(body=schemas.METADATA)
def update_all(image_id):
    image = _image(image_id, owned=True)
    items = validation.body()['metadata']
    _store(image, dict(items))
    return flask.jsonify({'metadata': items})


@bp.get(PATH + '/<key>')
@validation.schema()
def show(image_id, key):
    properties = _strings(_image(image_id)['properties'])
    if key not in properties:
        raise exception.MetadataItemNotFound()
    return flask.jsonify({'meta': {key: properties[key]}})


@bp.put(PATH + '/<key>')
@validation.schema(body=schemas.METADATA_ITEM)
def update(image_id, key):
    item = validation.body()['meta']
    if key not in item:
        raise exception.ValidationError(detail='Request body and URI '
                                               'mismatch')
    image = _image(image_id, owned=True)
    _store(image, {**(image['properties'] or {}), **item})
    return flask.jsonify({'meta': item})


@bp.delete(PATH + '/<key>')
@validation.schema()
def delete(image_id, key):
    image = _image(image_id, owned=True)
    properties = dict(image['properties'] or {})
    if key not in properties:
        raise exception.MetadataItemNotFound()
    del properties[key]
    db_images.update(image['id'], {'properties': properties})
    return '', 204
