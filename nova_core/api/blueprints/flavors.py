"""``/flavors``: list, detail, show."""
import flask

from nova_core import exception
from nova_core.api import links, request, validation
from nova_core.api.schemas import flavors as schemas
from nova_core.api.views import flavors as views
from nova_core.db import flavors as db_flavors

bp = flask.Blueprint('flavors', __name__)


def _list(view):
    ctx, version = request.context(), request.version()
    params = validation.query(schemas.LIST_QUERY)
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
            limit=limit, marker=marker)
    except exception.FlavorNotFound:
        raise exception.ValidationError(detail='marker [%s] not found'
                                        % marker)
    items = [view(f, version) for f in flavors]
    body = {'flavors': items}
    next_link = links.next_link(items, limit)
    if next_link:
        body['flavors_links'] = [next_link]
    return flask.jsonify(body)


def _is_public(value, is_admin):
    """Nova's rule: non-admins see public flavors; admins pick with
    ``is_public`` (``None`` meaning all)."""
    if not is_admin:
        return True
    if value is None:
        return True
    if value.lower() == 'none':
        return None
    return value.lower() in ('true', 't', '1', 'yes', 'y', 'on')


def _int_or_none(params, key):
    value = validation.single(params, key)
    return int(value) if value not in (None, '') else None


@bp.get('/flavors')
def index():
    return _list(views.basic)


@bp.get('/flavors/detail')
def detail():
    return _list(views.detail)


@bp.get('/flavors/<flavor_id>')
def show(flavor_id):
    flavor = db_flavors.get(flavor_id)
    return flask.jsonify({'flavor': views.detail(flavor,
                                                 request.version())})
