"""``/v2.1/images``: the Compute API's image proxy, or the Glance v2 API.

A request that names a compute microversion is a Compute API client: it
gets Nova's image proxy (list, detail, show, delete), which Nova removed in
2.36, answering 404 from then on. A request that names none is taken for an
image client that was given the compute endpoint (openstacksdk without
Keystone) and gets the Glance v2 API of :mod:`.glance`.
"""
import flask

from nova_core import exception
from nova_core.api import image_registry, links, request, validation
from nova_core.api.blueprints import glance
from nova_core.api.schemas import images as schemas
from nova_core.api.views import images as views
from nova_core.db import images as db_images

bp = flask.Blueprint('images', __name__)

_PROXY_STATUS_FILTER = {'ACTIVE': 'active', 'SAVING': 'saving',
                        'DELETED': 'deleted', 'ERROR': 'killed'}
#: Nova's proxy filters that match image properties: ``server`` (an id or
#: a server's URL) the ``instance_uuid`` a snapshot records, ``type``
#: (snapshot, backup) its ``image_type``; ``property-<name>`` any.
_PROPERTY_FILTERS = {'server': 'instance_uuid', 'type': 'image_type'}


def _proxy_available():
    """True for Compute API clients; 404 from 2.36 on, as in Nova."""
    if not flask.g.api_version_named:
        return False
    if request.version().matches('2.36'):
        raise exception.NotFound()
    return True


def _proxy_list(view):
    # The proxy is gone from 2.36 on; the routes declare what later
    # versions (and image clients) get, so its query is named here.
    params = validation.query(schemas.PROXY_LIST_QUERY)
    filters = {}
    if validation.single(params, 'name') is not None:
        filters['name'] = validation.single(params, 'name')
    status = validation.single(params, 'status')
    if status is not None:
        filters['status'] = _PROXY_STATUS_FILTER.get(status.upper(), status)
    max_limit = request.conf().api.max_limit
    limit = validation.page_limit(params, max_limit, max_limit)
    marker = validation.single(params, 'marker')
    try:
        # filtered here, so the page is cut after the filters
        images = db_images.get_all(
            image_registry.visible_to(request.context()), filters,
            marker=marker)
    except exception.ImageNotFound:
        raise exception.ValidationError(detail='marker [%s] not found'
                                        % marker)
    images = [i for i in images if _matches(i, params)][:limit]
    items = [view(i) for i in images]
    body = {'images': items}
    next_link = links.next_link(items, limit)
    if next_link:
        body['images_links'] = [next_link]
    return flask.jsonify(body)


def _matches(image, params):
    """Nova's proxy filters that the database query does not apply."""
    for key, column in (('minRam', 'min_ram'), ('minDisk', 'min_disk')):
        if validation.single(params, key):
            floor = validation.to_int(validation.single(params, key), key)
            if (image[column] or 0) < floor:
                return False
    wanted = {_PROPERTY_FILTERS[key]: validation.single(params, key)
              for key in _PROPERTY_FILTERS if key in params}
    wanted.update({key[len('property-'):]: validation.single(params, key)
                   for key in params if key.startswith('property-')})
    if 'instance_uuid' in wanted:  # a server's URL names it last
        wanted['instance_uuid'] = wanted['instance_uuid'].rsplit('/', 1)[-1]
    properties = image['properties'] or {}
    return all(key in properties and str(properties[key]) == value
               for key, value in wanted.items())


@bp.get('/v2.1/images')
@validation.schema(query=schemas.GLANCE_LIST_QUERY)
def index():
    if not _proxy_available():
        return glance.list_images()
    return _proxy_list(views.proxy_basic)


@bp.post('/v2.1/images')
@validation.schema(body=schemas.CREATE)
def create():
    if flask.g.api_version_named:
        flask.abort(405)  # the Compute API's proxy never created images
    return glance.create_image()


@bp.get('/v2.1/images/detail')
@validation.schema()
def detail():
    if not _proxy_available():
        return glance.show_image('detail')
    return _proxy_list(views.proxy_detail)


@bp.get('/v2.1/images/<image_id>')
@validation.schema()
def show(image_id):
    if not _proxy_available():
        return glance.show_image(image_id)
    image = image_registry.get(request.context(), image_id)
    return flask.jsonify({'image': views.proxy_detail(image)})


@bp.delete('/v2.1/images')
@validation.schema()
def delete_without_id():
    """``DELETE /images/`` names no image: 404, as Nova and Glance."""
    raise exception.NotFound()


@bp.delete('/v2.1/images/<image_id>')
@validation.schema()
def delete(image_id):
    if _proxy_available():
        image = image_registry.get_owned(request.context(), image_id)
        image_registry.delete(glance.store(), request.context(), image)
        return '', 204
    return glance.delete_image(image_id)


@bp.patch('/v2.1/images/<image_id>')
@validation.schema(body=schemas.PATCH, media_type=glance.PATCH_TYPE)
def patch(image_id):
    if flask.g.api_version_named:
        raise exception.NotFound()
    return glance.patch_image(image_id)


@bp.put('/v2.1/images/<image_id>/file')
@validation.schema(media_type='application/octet-stream')
def upload(image_id):
    return glance.upload_image(image_id)


@bp.get('/v2.1/images/<image_id>/file')
@validation.schema()
def download(image_id):
    return glance.download_image(image_id)
