"""``/os-server-groups``: placement policies over sets of servers.

Members join at server create (``os:scheduler_hints: {"group": ...}``)
and leave when deleted; the scheduler enforces the policy
(:mod:`nova_core.scheduler.group_policy`).
"""
import flask

from nova_core import exception, policy, quota
from nova_core.api import request, validation
from nova_core.api.schemas import server_groups as schemas
from nova_core.api.views import server_groups as views
from nova_core.db import server_groups as db_groups

bp = flask.Blueprint('server_groups', __name__)

RULE = 'os_compute_api:os-server-groups:%s'
PATH = '/os-server-groups'


@bp.post(PATH)
@validation.schema(body=schemas.create)
def create():
    ctx, version = request.context(), request.version()
    policy.authorize(ctx, RULE % 'create')
    body = validation.body()['server_group']
    if version.matches('2.64'):
        group_policy, rules = body['policy'], body.get('rules') or {}
        if rules and group_policy != 'anti-affinity':
            raise exception.ValidationError(
                detail='Only anti-affinity policy supports rules.')
        rules = {k: int(v) for k, v in rules.items()}
        if rules.get('max_server_per_host', 1) < 1:
            raise exception.ValidationError(
                detail='Invalid input for field/attribute '
                       'max_server_per_host. Value: 0. 0 is less than the '
                       'minimum of 1')
    else:
        group_policy, rules = body['policies'][0], {}
    _check_quota(ctx)
    group = db_groups.create(ctx.project_id, ctx.user_id, body['name'],
                             group_policy, rules)
    try:
        _check_quota(ctx, recheck=True)
    except exception.OverQuota:
        db_groups.destroy(group['uuid'])
        raise
    return flask.jsonify({'server_group': views.group(group, version)})


def _check_quota(ctx, recheck=False):
    """Nova's count-then-recheck: 403 "Quota exceeded, too many server
    groups." before recording, and after it (a concurrent create)."""
    if recheck and not request.conf().quota.recheck_quota:
        return
    quota.check_deltas(ctx, ctx.project_id, ctx.user_id,
                       server_groups=0 if recheck else 1)


@bp.get(PATH)
@validation.schema(query=schemas.list_query)
def index():
    ctx, version = request.context(), request.version()
    target = {'project_id': ctx.project_id}
    policy.authorize(ctx, RULE % 'index', target)
    params = validation.query()
    if 'all_projects' in params:
        policy.authorize(ctx, RULE % 'index:all_projects', target)
        groups = db_groups.get_all()
    else:
        groups = db_groups.get_all(ctx.project_id)
    offset = validation.to_int(validation.single(params, 'offset') or '0',
                               'offset')
    max_limit = request.conf().api.max_limit
    limit = min(max_limit, validation.to_int(
        validation.single(params, 'limit') or '0', 'limit') or max_limit)
    return flask.jsonify({'server_groups': [
        views.group(g, version) for g in groups[offset:offset + limit]]})


def _group(group_id, action):
    ctx = request.context()
    group = db_groups.get(group_id)
    policy.authorize(ctx, RULE % action, {'project_id': group['project_id']})
    return group


@bp.get(PATH + '/<group_id>')
@validation.schema()
def show(group_id):
    group = _group(group_id, 'show')
    return flask.jsonify({'server_group': views.group(
        group, request.version())})


@bp.delete(PATH + '/<group_id>')
@validation.schema()
def delete(group_id):
    _group(group_id, 'delete')
    db_groups.destroy(group_id)
    return '', 204
