"""``/flavors``: list, detail, show, and (admins) create, update, delete.

Private flavors are seen only by admins and by the projects given access
(``os-flavor-access``); to everyone else they do not exist.
"""
import uuid

import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import flavors as schemas
from nova_core.api.schemas import types
from nova_core.api.views import flavors as views
from nova_core.db import flavors as db_flavors

bp = flask.Blueprint('flavors', __name__)

MANAGE = 'os_compute_api:os-flavor-manage:%s'
EXTRA_SPECS_INDEX = 'os_compute_api:os-flavor-extra-specs:index'


def visible_flavor(ctx, flavor_id):
    """The flavor if ``ctx`` may see it.

    :raises: FlavorNotFound, also for private flavors without access.
    """
    return db_flavors.get(flavor_id, None if ctx.is_admin
                          else ctx.project_id)


def show_view(flavor):
    """The detailed view of one flavor for this request."""
    ctx = request.context()
    return views.detail(flavor, request.version(),
                        policy.can(ctx, EXTRA_SPECS_INDEX))


def _list(detail):
    ctx, version = request.context(), request.version()
    params = validation.query()
    is_public = _is_public(validation.single(params, 'is_public'),
                           ctx.is_admin)
    max_limit = request.conf().api.max_limit
    limit = validation.page_limit(params, max_limit, max_limit)
    marker = validation.single(params, 'marker')
    sort_key = validation.single(params, 'sort_key', 'flavorid')
    try:
        flavors = db_flavors.get_all(
            is_public=is_public,
            min_memory_mb=_int_or_none(params, 'minRam'),
            min_root_gb=_int_or_none(params, 'minDisk'),
            sort_key=schemas.SORT_COLUMNS[sort_key],
            sort_dir=validation.single(params, 'sort_dir', 'asc'),
            limit=limit, marker=marker, project_id=ctx.project_id)
    except exception.FlavorNotFound:
        raise exception.ValidationError(detail='marker [%s] not found'
                                        % marker)
    if detail:
        specs = policy.can(ctx, EXTRA_SPECS_INDEX)
        items = [views.detail(f, version, specs) for f in flavors]
    else:
        items = [views.basic(f, version) for f in flavors]
    body = {'flavors': items}
    next_link = links.next_link(items, limit)
    if next_link:
        body['flavors_links'] = [next_link]
    return flask.jsonify(body)


def _is_public(value, is_admin):
    """Nova's rule: non-admins see public flavors (and private ones their
    project may use); admins pick with ``is_public`` (``none``: all)."""
    if not is_admin or value is None:
        return True
    if value.lower() == 'none':
        return None
    if value.lower() in ('1', 't', 'true', 'on', 'y', 'yes'):
        return True
    if value.lower() in ('0', 'f', 'false', 'off', 'n', 'no'):
        return False
    raise exception.ValidationError(detail='Invalid is_public filter [%s]'
                                    % value)


def _int_or_none(params, key):
    """A minimum from the query; past any column's range it matches
    nothing rather than overflowing the database's integers."""
    value = validation.single(params, key)
    if value in (None, ''):
        return None
    number = validation.text_integer(value)
    if number is None:  # the query schema takes only digits
        raise exception.ValidationError(
            detail="Invalid input for query parameters %s. Value: %s. '%s' "
                   "is not an integer" % (key, value, value))
    return int(min(number, schemas.MAX_INT + 1))


@bp.get('/flavors')
@validation.schema(query=schemas.list_query)
def index():
    return _list(detail=False)


@bp.get('/flavors/detail')
@validation.schema(query=schemas.list_query)
def detail():
    return _list(detail=True)


@bp.get('/flavors/<flavor_id>')
@validation.schema()
def show(flavor_id):
    flavor = visible_flavor(request.context(), flavor_id)
    return flask.jsonify({'flavor': show_view(flavor)})


@bp.post('/flavors')
@validation.schema(body=schemas.create)
def create():
    ctx = request.context()
    policy.authorize(ctx, MANAGE % 'create')
    values = validation.body()['flavor']
    flavor = db_flavors.create(_flavor_values(values))
    return flask.jsonify({'flavor': show_view(flavor)})


def _flavor_values(body):
    """Columns of a new flavor from a validated body, with Nova's checks
    of what the schema lets through as strings."""
    flavorid = body.get('id')
    values = {
        'flavorid': str(uuid.uuid4()) if flavorid in (None, '')
        else str(flavorid),
        'name': body['name'],
        'memory_mb': _integer(body['ram'], 'memory_mb', 1),
        'vcpus': _integer(body['vcpus'], 'vcpus', 1),
        'root_gb': _integer(body['disk'], 'root_gb', 0),
        'ephemeral_gb': _integer(body.get('OS-FLV-EXT-DATA:ephemeral', 0),
                                 'ephemeral_gb', 0),
        'swap': _integer(body.get('swap', 0), 'swap', 0),
        'rxtx_factor': _rxtx_factor(body.get('rxtx_factor', 1.0)),
        'is_public': types.as_bool(body.get('os-flavor-access:is_public',
                                            True)),
        'description': body.get('description'),
        'extra_specs': {},
    }
    return values


def _integer(value, name, minimum):
    value = int(value)
    if value < minimum:
        raise exception.ValidationError(
            detail='Invalid input received: %s must be >= %d'
                   % (name, minimum))
    if value > schemas.MAX_INT:
        raise exception.ValidationError(
            detail='Invalid input received: %s must be <= %d'
                   % (name, schemas.MAX_INT))
    return value


def _rxtx_factor(value):
    value = float(value)
    if not 0 < value <= 3.40282e+38:
        raise exception.ValidationError(
            detail="Invalid input received: 'rxtx_factor' argument must be "
                   "a float between 0 and 3.40282e+38")
    return value


@bp.put('/flavors/<flavor_id>')
@validation.schema(body=schemas.update)
def update(flavor_id):
    ctx, version = request.context(), request.version()
    if not version.matches('2.55'):
        # As Nova: before 2.55 the method does not exist.
        raise exception.NotFound('The resource could not be found.')
    policy.authorize(ctx, MANAGE % 'update')
    body = validation.body()
    flavor = db_flavors.update(flavor_id, {
        'description': body['flavor']['description']})
    return flask.jsonify({'flavor': show_view(flavor)})


@bp.delete('/flavors/<flavor_id>')
@validation.schema()
def delete(flavor_id):
    policy.authorize(request.context(), MANAGE % 'delete')
    db_flavors.destroy(flavor_id)
    return '', 202
