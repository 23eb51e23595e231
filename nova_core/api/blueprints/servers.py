"""``/servers``: create, list, show, update, delete."""
import flask

from nova_core import exception, policy
from nova_core.api import (
    links,
    request,
    server_detail,
    server_filters,
    validation,
)
from nova_core.api.actions import deletion
from nova_core.api.blueprints import server_actions
from nova_core.api.schemas import servers as schemas
from nova_core.api.schemas import types
from nova_core.api.views import servers as views
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import instances as db_instances

bp = flask.Blueprint('servers', __name__)


def _list(detail):
    ctx, version = request.context(), request.version()
    policy.authorize(ctx, 'os_compute_api:servers:%s'
                     % ('detail' if detail else 'index'))
    params = validation.query()
    args = server_filters.parse(params, ctx, version,
                                request.conf().api.max_limit, detail)
    args.restrict_to_addresses(db_fixed_ips.instances_matching)
    instances = []
    if not args.matches_nothing and args.limit:
        try:
            instances = db_instances.get_all(
                args.filters, args.sort_keys, args.sort_dirs, args.limit,
                args.marker)
        except exception.InstanceNotFound:
            raise exception.ValidationError(
                detail='marker [%s] not found' % args.marker)
    if detail:
        faults = db_instances.faults_latest(
            [i['uuid'] for i in instances if i['vm_state'] in ('error',
                                                               'deleted')])
        statuses = server_detail.host_statuses(ctx, version)
        fixed_ips = db_fixed_ips.get_by_instances(
            [i['uuid'] for i in instances])
        items = [views.detail(i, version, ctx, faults.get(i['uuid']),
                              statuses.get(i['host'],
                                           server_detail.no_host(i, statuses)),
                              show_extras=False,
                              fixed_ips=fixed_ips.get(i['uuid']))
                 for i in instances]
    else:
        items = [views.basic(i) for i in instances]
    body = {'servers': items}
    next_link = links.next_link(items, args.limit)
    if next_link:
        body['servers_links'] = [next_link]
    return flask.jsonify(body)


@bp.get('/servers')
@validation.schema(query=schemas.list_query)
def index():
    return _list(detail=False)


@bp.get('/servers/detail')
@validation.schema(query=schemas.list_query)
def detail():
    return _list(detail=True)


@bp.post('/servers')
@validation.schema(body=schemas.create)
def create():
    ctx, version = request.context(), request.version()
    policy.authorize(ctx, 'os_compute_api:servers:create')
    body = validation.body()
    hints = (body.get('os:scheduler_hints') or
             body.get('OS-SCH-HNT:scheduler_hints'))
    server = body['server']
    instances, password, reservation_id = request.servers_api().create(
        ctx, server, hints, version)
    if types.as_bool(server.get('return_reservation_id', False)):
        return flask.jsonify({'reservation_id': reservation_id}), 202
    first = instances[0]
    view = {'id': first['uuid'], 'links': links.resource('servers',
                                                         first['uuid']),
            'OS-DCF:diskConfig': 'MANUAL',
            'security_groups': [{'name': 'default'}]}
    if request.conf().api.enable_instance_password:
        view['adminPass'] = password
    response = flask.jsonify({'server': view})
    response.status_code = 202
    response.headers['Location'] = view['links'][0]['href']
    return response


def _target(instance):
    return {'project_id': instance['project_id'],
            'user_id': instance['user_id']}


@bp.get('/servers/<server_id>')
@validation.schema()
def show(server_id):
    instance = request.servers_api().get(request.context(), server_id)
    policy.authorize(request.context(), 'os_compute_api:servers:show',
                     _target(instance))
    return flask.jsonify({'server': server_detail.show_one(instance)})


@bp.put('/servers/<server_id>')
@validation.schema(body=schemas.update)
def update(server_id):
    body = validation.body()
    api = request.servers_api()
    instance = api.get(request.context(), server_id)
    policy.authorize(request.context(), 'os_compute_api:servers:update',
                     _target(instance))
    instance = api.update(request.context(), instance, body['server'])
    return flask.jsonify({'server': server_detail.show_changed(instance)})


@bp.delete('/servers/<server_id>')
@validation.schema()
def delete(server_id):
    api = request.servers_api()
    instance = api.get(request.context(), server_id)
    policy.authorize(request.context(), 'os_compute_api:servers:delete',
                     _target(instance))
    server_actions.check_lock(request.context(), instance)
    deletion.delete_server(request.context(), api, instance)
    return '', 204
