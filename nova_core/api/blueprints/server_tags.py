"""``/servers/{id}/tags`` (2.26): a server's tags, as Nova serves them.

Tags change in vm_states active, paused, suspended and stopped (Nova
checks no task_state and no lock here); at most 50 per server.
"""
import urllib.parse

import flask
import jsonschema

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import server_metadata as schemas
from nova_core.api.schemas.servers import SERVER_TAG
from nova_core.db import instance_tags_meta as db_meta
from nova_core.states import vm_states as vs

bp = flask.Blueprint('server_tags', __name__)

PATH = '/servers/<server_id>/tags'
_CHANGEABLE = (vs.ACTIVE, vs.PAUSED, vs.SUSPENDED, vs.STOPPED)
_TOO_MANY = 'The number of tags exceeded the per-server limit %d'


@bp.before_request
def _since_2_26():
    if not request.version().matches('2.26'):
        raise exception.NotFound('The resource could not be found.')


def _instance(server_id, action):
    ctx = request.context()
    instance = request.servers_api().get(ctx, server_id)
    policy.authorize(ctx, 'os_compute_api:os-server-tags:%s' % action,
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    return instance


def _change(server_id, action, verb, compute):
    """Apply ``compute(current tags)``; returns the new tags."""
    instance = _instance(server_id, action)

    def check(row):
        if row['vm_state'] not in _CHANGEABLE:
            raise exception.InstanceInvalidState(
                action=verb, instance_uuid=row['uuid'], attr='vm_state',
                state=row['vm_state'])

    return db_meta.change(instance['uuid'], 'tags', compute, check)


def _unique(tags):
    return list(dict.fromkeys(tags))


@bp.get(PATH)
@validation.schema()
def index(server_id):
    return flask.jsonify({'tags': list(_instance(server_id, 'index')['tags']
                                       or [])})


@bp.put(PATH)
@validation.schema(body=schemas.TAGS)
def update_all(server_id):
    tags = _unique(validation.body()['tags'])
    if len(tags) > schemas.MAX_TAGS:
        raise exception.ValidationError(detail=_TOO_MANY % schemas.MAX_TAGS)
    tags = _change(server_id, 'update_all', 'update tags', lambda _: tags)
    return flask.jsonify({'tags': tags})


@bp.delete(PATH)
@validation.schema()
def delete_all(server_id):
    _change(server_id, 'delete_all', 'delete tags', lambda _: [])
    return '', 204


@bp.get(PATH + '/<tag>')
@validation.schema()
def show(server_id, tag):
    instance = _instance(server_id, 'show')
    if tag not in (instance['tags'] or []):
        raise exception.NotFound("Server %s has no tag '%s'"
                                 % (server_id, tag))
    return '', 204


@bp.put(PATH + '/<tag>')
@validation.schema()
def update(server_id, tag):
    try:
        jsonschema.validate(tag, SERVER_TAG)
    except jsonschema.ValidationError as exc:
        raise exception.ValidationError(
            detail="Tag '%s' is invalid. It must be a non empty string "
                   "without characters '/' and ','. Validation error "
                   "message: %s" % (tag, exc.message))
    added = []

    def add(tags):
        if tag in tags:
            return tags
        if len(tags) >= schemas.MAX_TAGS:
            raise exception.ValidationError(
                detail=_TOO_MANY % schemas.MAX_TAGS)
        added.append(tag)
        return tags + [tag]

    _change(server_id, 'update', 'update tag', add)
    if not added:
        return '', 204
    response = flask.make_response('', 201)
    response.headers['Location'] = '%s/v2.1/servers/%s/tags/%s' % (
        links.base_url(), server_id, urllib.parse.quote(tag))
    return response


@bp.delete(PATH + '/<tag>')
@validation.schema()
def delete(server_id, tag):
    def remove(tags):
        if tag not in tags:
            raise exception.InstanceTagNotFound(instance_id=server_id,
                                                tag=tag)
        return [t for t in tags if t != tag]

    _change(server_id, 'delete', 'delete tag', remove)
    return '', 204
