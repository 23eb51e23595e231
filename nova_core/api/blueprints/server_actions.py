"""``POST /servers/{id}/action``: one body key names the action.

The actions themselves live in :mod:`nova_core.api.actions`. Each is
allowed from the vm_states and task_states Nova allows; the API sets the
task_state before casting, so that of two conflicting requests one gets 409.
"""
import flask

from nova_core import exception, policy
from nova_core.api import request, validation
from nova_core.api.actions import ACTIONS

bp = flask.Blueprint('server_actions', __name__)


def check_lock(ctx, instance):
    """A locked server refuses changes from non-admins, as Nova's
    ``check_instance_lock``.

    :raises: InstanceIsLocked (409)
    """
    if instance['locked'] and not ctx.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])


def body_schema(version):
    """The whole body: exactly one of the actions of ``version``.

    Documentation only: :func:`action` checks in two steps (one key, then
    that action's schema) so that errors name the action at fault.
    """
    schemas = [a.schema(version) if callable(a.schema) else a.schema
               for _, a in sorted(ACTIONS.items())]
    return {'type': 'object', 'minProperties': 1, 'maxProperties': 1,
            'oneOf': schemas}


@bp.post('/servers/<server_id>/action')
@validation.schema(body=body_schema)
def action(server_id):
    ctx = request.context()
    api = request.servers_api()
    instance = api.get(ctx, server_id)
    document = validation.body({'type': 'object', 'minProperties': 1})
    if len(document) != 1:
        raise exception.ValidationError(
            detail='An action request names exactly one action; got %s.'
            % ', '.join(sorted(document)))
    name = next(iter(document))
    if name not in ACTIONS:
        raise exception.ValidationError(detail='There is no such action: %s'
                                        % name)
    action = ACTIONS[name]
    schema = action.schema
    if callable(schema):
        schema = schema(flask.g.api_version)
    validation.check(schema, document)
    policy.authorize(ctx, action.rule, {'project_id': instance['project_id'],
                                        'user_id': instance['user_id']})
    if action.checks_lock:
        check_lock(ctx, instance)
    response = action.handler(ctx, api, instance, document)
    return response if response is not None else ('', 202)
