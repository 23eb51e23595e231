"""``GET /os-migrations``: the cloud's migrations (resizes, cold
migrations) for admins, as Nova lists them.

The microversions change the answer: 2.23 adds ``migration_type`` (and
links to in-progress live migrations); 2.59 adds ``uuid``, pages newest
first with ``limit``/``marker`` (a migration's uuid) and filters by
``changes-since``; 2.66 adds ``changes-before``; 2.80 shows and filters by
``user_id`` and ``project_id``. Before 2.59 unknown query parameters are
ignored, from 2.59 on they are refused.
"""
import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import types
from nova_core.api.server_filters import parse_time
from nova_core.db import moves

bp = flask.Blueprint('migrations', __name__)

FILTERS = ('hidden', 'host', 'instance_uuid', 'source_compute', 'status',
           'migration_type')


def query_schema(version):
    """Nova's ``list_query_schema_v20`` .. ``list_query_params_v280``."""
    props = {key: types.query_any for key in FILTERS}
    if not version.matches('2.59'):
        return {'type': 'object', 'properties': props,
                'additionalProperties': True}
    props.update({'limit': types.query_limit, 'marker': types.query_any,
                  'changes-since': types.query_any})
    if version.matches('2.66'):
        props['changes-before'] = types.query_any
    if version.matches('2.80'):
        props.update(user_id=types.query_any, project_id=types.query_any)
    return {'type': 'object', 'properties': props,
            'additionalProperties': False}


def _filters(params, version):
    """The DB filters of the query: each filter's last value; the time
    bounds parsed (and checked) only where the microversion has them."""
    known = FILTERS + (('user_id', 'project_id') if version.matches('2.80')
                       else ())
    filters = {key: validation.single(params, key) for key in params
               if key in known}
    for key, since in (('changes-since', '2.59'),
                       ('changes-before', '2.66')):
        if key in params and version.matches(since):
            filters[key] = parse_time(validation.single(params, key), key)
    since, before = filters.get('changes-since'), filters.get(
        'changes-before')
    if since and before and before < since:
        raise exception.ValidationError(
            detail='The value of changes-since must be less than or equal '
                   'to changes-before.')
    return filters


def view(migration, version, flavor_ids):
    """One migration as Nova's ``MigrationsController._output`` shows
    it at ``version``."""
    item = {
        'created_at': links.usage_time(migration['created_at']),
        'dest_compute': migration['dest_compute'],
        'dest_host': None,
        'dest_node': migration['dest_node'],
        'id': migration['id'],
        'instance_uuid': migration['instance_uuid'],
        'new_instance_type_id': flavor_ids.get(
            (migration['new_flavor'] or {}).get('flavorid')),
        'old_instance_type_id': flavor_ids.get(
            (migration['old_flavor'] or {}).get('flavorid')),
        'source_compute': migration['source_compute'],
        'source_node': migration['source_node'],
        'status': migration['status'],
        'updated_at': links.usage_time(migration['updated_at']),
    }
    if version.matches('2.23'):
        item['migration_type'] = migration['migration_type']
        if (migration['migration_type'] == 'live-migration' and
                migration['status'] in moves.LIVE_IN_PROGRESS):
            item['links'] = links.resource(
                'servers/%s/migrations' % migration['instance_uuid'],
                migration['id'])
    if version.matches('2.59'):
        item['uuid'] = migration['uuid']
    if version.matches('2.80'):
        item.update(user_id=migration['user_id'],
                    project_id=migration['project_id'])
    return item


def _shown(migrations, version):
    flavorids = {(m[key] or {}).get('flavorid') for m in migrations
                 for key in ('old_flavor', 'new_flavor')}
    ids = moves.flavor_ids(flavorids - {None})
    return [view(m, version, ids) for m in migrations]


@bp.get('/os-migrations')
@validation.schema(query=query_schema)
def index():
    policy.authorize(request.context(), 'os_compute_api:os-migrations:index')
    version = request.version()
    params = validation.query()
    filters = _filters(params, version)
    # Nova never shows hidden migrations (the source half of a cross-cell
    # move); nova-core makes none, so none is hidden.
    hidden = filters.pop('hidden', None) in types.true_strings()
    if not version.matches('2.59'):
        found = moves.get_all_filtered(filters)
        return flask.jsonify({'migrations': [] if hidden else _shown(
            found, version)})
    max_limit = request.conf().api.max_limit
    limit = validation.page_limit(params, max_limit, max_limit)
    try:
        found = moves.get_all_filtered(
            filters, limit=limit, marker=validation.single(params, 'marker'),
            newest_first=True)
    except exception.MarkerNotFound as exc:
        raise exception.ValidationError(detail=exc.format_message())
    body = {'migrations': [] if hidden else _shown(found, version)}
    next_link = links.next_link(body['migrations'], limit, 'uuid')
    if next_link:
        body['migrations_links'] = [next_link]
    return flask.jsonify(body)
