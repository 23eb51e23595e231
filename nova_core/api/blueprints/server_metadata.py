"""``/servers/{id}/metadata``: the user's key/value pairs of a server.

Changes follow Nova: allowed in vm_states active, paused, suspended and
stopped with no task running, refused on a locked server to non-admins,
and limited to the project's ``metadata_items`` quota (the resulting
total). The state and lock are checked on the row that is written.
"""
import flask

from nova_core import exception, policy, quota
from nova_core.api import request, validation
from nova_core.api.blueprints.server_actions import check_lock
from nova_core.api.schemas import server_metadata as schemas
from nova_core.db import instance_tags_meta as db_meta
from nova_core.states import vm_states as vs

bp = flask.Blueprint('server_metadata', __name__)

PATH = '/servers/<server_id>/metadata'
_CHANGEABLE = (vs.ACTIVE, vs.PAUSED, vs.SUSPENDED, vs.STOPPED)


def _instance(server_id, action):
    ctx = request.context()
    instance = request.servers_api().get(ctx, server_id)
    policy.authorize(ctx, 'os_compute_api:server-metadata:%s' % action,
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    return instance


def _change(server_id, action, compute, verb='update'):
    """Apply ``compute(current metadata)`` and return the new metadata."""
    ctx = request.context()
    instance = _instance(server_id, action)

    def check(row):
        check_lock(ctx, row)
        for attr, allowed in (('vm_state', _CHANGEABLE),
                              ('task_state', (None,))):
            if row[attr] not in allowed:
                raise exception.InstanceInvalidState(
                    action='%s metadata' % verb, instance_uuid=row['uuid'],
                    attr=attr, state=row[attr])

    def limited(current):
        new = compute(current)
        if verb == 'update':
            quota.check_metadata_items(ctx, instance['project_id'],
                                       len(new))
        return new

    return db_meta.change(instance['uuid'], 'meta', limited, check)


@bp.get(PATH)
@validation.schema()
def index(server_id):
    return flask.jsonify({'metadata': _instance(server_id, 'index')['meta']
                          or {}})


@bp.post(PATH)
@validation.schema(body=schemas.METADATA)
def create(server_id):
    items = validation.body()['metadata']
    metadata = _change(server_id, 'create', lambda m: {**m, **items})
    return flask.jsonify({'metadata': metadata})


@bp.put(PATH)
@validation.schema(body=schemas.METADATA)
def update_all(server_id):
    items = validation.body()['metadata']
    metadata = _change(server_id, 'update_all', lambda m: dict(items))
    return flask.jsonify({'metadata': metadata})


@bp.get(PATH + '/<key>')
@validation.schema()
def show(server_id, key):
    metadata = _instance(server_id, 'show')['meta'] or {}
    if key not in metadata:
        raise exception.MetadataItemNotFound()
    return flask.jsonify({'meta': {key: metadata[key]}})


@bp.put(PATH + '/<key>')
@validation.schema(body=schemas.METADATA_ITEM)
def update(server_id, key):
    item = validation.body()['meta']
    if key not in item:
        raise exception.ValidationError(detail='Request body and URI '
                                               'mismatch')
    _change(server_id, 'update', lambda m: {**m, **item})
    return flask.jsonify({'meta': item})


@bp.delete(PATH + '/<key>')
@validation.schema()
def delete(server_id, key):
    def without(metadata):
        if key not in metadata:
            raise exception.MetadataItemNotFound()
        del metadata[key]
        return metadata

    _change(server_id, 'delete', without, verb='delete')
    return '', 204
