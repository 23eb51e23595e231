"""The image registry's Glance v2 API, served at ``/image/v2``.

The same handlers answer ``/v2.1/images`` when the request names no
compute microversion (see :mod:`nova_core.api.blueprints.images`), so that
clients given only the compute endpoint, as openstacksdk and the
``openstack`` CLI are without Keystone, find their images there.
"""
import flask
from werkzeug import wsgi

from nova_core import exception
from nova_core.api import image_registry, links, request, validation
from nova_core.api.schemas import images as schemas
from nova_core.api.views import images as views
from nova_core.db import images as db_images
from nova_core.image import store as store_mod

bp = flask.Blueprint('glance', __name__, url_prefix='/image/v2')

PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'
#: Ids in one ``id=in:`` filter; sizes as the BIGINT column holds them.
MAX_IDS, MAX_SIZE = 1000, 2 ** 63 - 1


def store():
    return flask.current_app.extensions['nova_core']['image_store']


def _prefix():
    return '/image/v2' if flask.request.path.startswith('/image/') else \
        '/v2.1'


def _filters(params):
    filters = {}
    for key in ('name', 'status', 'visibility', 'owner', 'disk_format',
                'container_format'):
        value = validation.single(params, key)
        if value is not None:
            filters[key] = value
    ident = validation.single(params, 'id')
    if ident is not None:
        filters['ids'] = (validation.bounded_list(ident[3:], 'id', MAX_IDS)
                          if ident.startswith('in:') else [ident])
    for key in ('size_min', 'size_max'):
        if validation.single(params, key):
            filters[key] = validation.to_int(validation.single(params, key),
                                             key, maximum=MAX_SIZE)
    return filters


def _property_filters(params):
    """Glance's filters on additional properties: every query parameter
    that is not one of its own (``?image_type=backup&instance_uuid=...``)."""
    return {key: validation.single(params, key) for key in params
            if key not in schemas.GLANCE_LIST_QUERY['properties']}


def _has_properties(image, wanted):
    properties = image['properties'] or {}
    return all(key in properties and str(properties[key]) == value
               for key, value in wanted.items())


def _sort(params):
    keys, dirs = [], []
    for item in (validation.single(params, 'sort') or '').split(','):
        if item.strip():
            key, _, direction = item.strip().partition(':')
            keys.append(key)
            dirs.append(direction or 'desc')
    if not keys:
        keys = [validation.single(params, 'sort_key', 'created_at')]
        dirs = [validation.single(params, 'sort_dir', 'desc')]
    for key, direction in zip(keys, dirs, strict=True):
        if key not in db_images.SORT_KEYS or direction not in ('asc',
                                                               'desc'):
            raise exception.ValidationError(
                detail='Invalid sort: %s:%s' % (key, direction))
    return keys + ['id'], dirs + [dirs[-1]]


@validation.schema(query=schemas.GLANCE_LIST_QUERY)
def list_images():
    params = validation.query()
    limit = validation.page_limit(params, request.conf().api.max_limit, 25)
    marker = validation.single(params, 'marker')
    keys, dirs = _sort(params)
    wanted = _property_filters(params)
    try:
        # With property filters the page is cut after them.
        images = db_images.get_all(
            image_registry.visible_to(request.context()), _filters(params),
            keys, dirs, None if wanted else limit, marker)
    except exception.ImageNotFound:
        raise exception.ValidationError(detail='marker [%s] not found'
                                        % marker)
    if wanted:
        images = [i for i in images if _has_properties(i, wanted)][:limit]
    tag = validation.single(params, 'tag')
    if tag is not None:
        images = [i for i in images if tag in (i['tags'] or [])]
    prefix = _prefix()
    body = {'images': [views.glance(i, prefix) for i in images],
            'first': prefix + '/images',
            'schema': prefix + '/schemas/images'}
    nxt = links.next_link(images, limit)  # None for an empty page
    if nxt is not None:
        body['next'] = nxt['href'][len(links.base_url()):]
    return flask.jsonify(body)


@validation.schema(body=schemas.CREATE)
def create_image():
    document = validation.body()
    image = image_registry.create(request.context(), document)
    response = flask.jsonify(views.glance(image, _prefix()))
    response.status_code = 201
    response.headers['Location'] = '%s%s/images/%s' % (
        links.base_url(), _prefix(), image['id'])
    return response


@validation.schema()
def show_image(image_id):
    image = image_registry.get(request.context(), image_id)
    return flask.jsonify(views.glance(image, _prefix()))


@validation.schema(body=schemas.PATCH, media_type=PATCH_TYPE)
def patch_image(image_id):
    if flask.request.mimetype != PATCH_TYPE:
        raise exception.UnsupportedMediaType(
            content_type=flask.request.mimetype, expected=PATCH_TYPE)
    operations = validation.load_json(flask.request.get_data())
    validation.check(validation.declared('body'), operations)
    image = image_registry.get_owned(request.context(), image_id)
    image = image_registry.patch(request.context(), image, operations)
    return flask.jsonify(views.glance(image, _prefix()))


@validation.schema()
def delete_image(image_id):
    image = image_registry.get_owned(request.context(), image_id)
    image_registry.delete(store(), request.context(), image)
    return '', 204


@validation.schema(media_type='application/octet-stream')
def upload_image(image_id):
    flask.request.max_content_length = request.conf().api.image_size_cap
    if flask.request.mimetype != 'application/octet-stream':
        raise exception.UnsupportedMediaType(
            content_type=flask.request.mimetype,
            expected='application/octet-stream')
    image = image_registry.get_owned(request.context(), image_id)
    image_registry.upload(store(), image, flask.request.stream)
    return '', 204


@validation.schema()
def download_image(image_id):
    image = image_registry.get(request.context(), image_id)
    if image['status'] != 'active' or not store().exists(image_id):
        return '', 204
    # The WSGI server's file wrapper streams the file in chunks (waitress
    # from its event loop, gunicorn with sendfile under a socket timeout),
    # so a client that stops reading does not hold an API thread.
    data = wsgi.wrap_file(flask.request.environ, store().open(image_id),
                          buffer_size=store_mod.CHUNK)
    response = flask.Response(data, mimetype='application/octet-stream',
                              direct_passthrough=True)
    response.headers['Content-Length'] = str(image['size'])
    if image['checksum']:
        response.headers['Content-MD5'] = image['checksum']
    return response


@validation.schema()
def show_image_tasks(image_id):
    """Glance's import tasks of an image (2.12): the built-in registry
    imports nothing asynchronously, so there are none."""
    image_registry.get(request.context(), image_id)
    return flask.jsonify({'tasks': []})


ROUTES = (
    ('/images', 'list_images', list_images, ['GET']),
    ('/images', 'create_image', create_image, ['POST']),
    ('/images/<image_id>', 'show_image', show_image, ['GET']),
    ('/images/<image_id>', 'patch_image', patch_image, ['PATCH']),
    ('/images/<image_id>', 'delete_image', delete_image, ['DELETE']),
    ('/images/<image_id>/file', 'upload_image', upload_image, ['PUT']),
    ('/images/<image_id>/file', 'download_image', download_image, ['GET']),
    ('/images/<image_id>/tasks', 'show_image_tasks', show_image_tasks,
     ['GET']),
)

for _rule, _name, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _name, _view, methods=_methods)
