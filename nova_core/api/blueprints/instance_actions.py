"""``/servers/{id}/os-instance-actions``: what was done to a server."""
import flask

from nova_core import exception, policy
from nova_core.api import links, request, server_filters, validation
from nova_core.api.schemas import types
from nova_core.api.views import instance_actions as views
from nova_core.db import actions as db_actions

bp = flask.Blueprint('instance_actions', __name__)

RULE = 'os_compute_api:os-instance-actions:%s'
QUERY = {'type': 'object', 'properties': {
    'limit': types.query_limit, 'marker': types.query_any,
    'changes-since': types.query_any, 'changes-before': types.query_any,
}, 'additionalProperties': True}


def _list_query(version):
    """Paging and filters came with 2.58; before, the query is ignored."""
    return QUERY if version.matches('2.58') else None


def _instance(server_id, action):
    """The server, deleted ones included (as Nova does since 2.21)."""
    ctx = request.context()
    instance = request.servers_api().get(ctx, server_id,
                                         read_deleted='yes')
    policy.authorize(ctx, RULE % action, {
        'project_id': instance['project_id'],
        'user_id': instance['user_id']})
    return instance


@bp.get('/servers/<server_id>/os-instance-actions')
@validation.schema(query=_list_query)
def index(server_id):
    instance = _instance(server_id, 'list')
    version = request.version()
    limit = marker = since = None
    if version.matches('2.58'):
        params = validation.query()
        max_limit = request.conf().api.max_limit
        limit = validation.page_limit(params, max_limit, max_limit)
        marker = validation.single(params, 'marker')
        if validation.single(params, 'changes-since') is not None:
            since = server_filters.parse_time(
                validation.single(params, 'changes-since'), 'changes-since')
    rows = db_actions.get_all(instance['uuid'], limit=limit, marker=marker,
                              changes_since=since)
    if rows is None:
        raise exception.ValidationError(
            detail='Marker %s could not be found.' % marker)
    items = [views.action(r, version) for r in rows]
    body = {'instanceActions': items}
    next_link = links.next_link(items, limit, id_key='request_id')
    if next_link:
        body['links'] = [next_link]
    return flask.jsonify(body)


@bp.get('/servers/<server_id>/os-instance-actions/<request_id>')
@validation.schema()
def show(server_id, request_id):
    instance = _instance(server_id, 'show')
    ctx, version = request.context(), request.version()
    row = db_actions.get(instance['uuid'], request_id)
    if row is None:
        raise exception.NotFound(
            'Action for request_id %s on instance %s not found'
            % (request_id, instance['uuid']))
    view = views.action(row, version)
    target = {'project_id': instance['project_id'],
              'user_id': instance['user_id']}
    admin_events = policy.can(ctx, RULE % 'events', target)
    if admin_events or version.matches('2.51'):
        details = policy.can(ctx, RULE % 'events:details', target)
        view['events'] = [
            views.event(e, version, instance['project_id'], admin_events,
                        details) for e in row['events']]
    return flask.jsonify({'instanceAction': view})
