"""``POST /servers/{id}/action``: one body key names the action.

Each action is allowed from the vm_states and task_states Nova allows;
the API sets the task_state before casting, so that of two conflicting
requests one gets 409.
"""
import flask

from nova_core import exception, policy
from nova_core.api import request, validation
from nova_core.api.schemas import servers as schemas
from nova_core.compute import task_states as ts
from nova_core.compute import vm_states as vs

bp = flask.Blueprint('server_actions', __name__)

_HARD_REBOOT_TASKS = (None, ts.REBOOTING, ts.REBOOT_PENDING,
                      ts.REBOOT_STARTED, ts.REBOOTING_HARD,
                      ts.REBOOT_PENDING_HARD, ts.REBOOT_STARTED_HARD,
                      ts.RESUMING, ts.UNPAUSING, ts.SUSPENDING,
                      ts.PAUSING)


def _reboot(ctx, api, instance, body):
    hard = body['reboot']['type'].upper() == 'HARD'
    if hard:
        vm_from = (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED, vs.ERROR)
        task_from, task = _HARD_REBOOT_TASKS, ts.REBOOTING_HARD
    else:
        vm_from, task_from, task = (vs.ACTIVE,), (None,), ts.REBOOTING
    api.run_action(ctx, instance, 'reboot', vm_from, task_from, task,
                   lambda c, i: api.compute.reboot_instance(
                       c, i, 'HARD' if hard else 'SOFT'))


def _simple(action, vm_from, task, method):
    """An action with no arguments: states in, task_state, compute call."""
    def run(ctx, api, instance, body):
        api.run_action(ctx, instance, action, vm_from, (None,), task,
                       getattr(api.compute, method))
    return run


def _console_output(ctx, api, instance, body):
    length = (body['os-getConsoleOutput'] or {}).get('length')
    if length is not None:
        length = int(length)
        if length == -1:
            length = None
    if instance['vm_state'] not in (vs.ACTIVE, vs.STOPPED, vs.PAUSED,
                                    vs.SUSPENDED, vs.ERROR) or \
            instance['host'] is None:
        raise exception.InstanceInvalidState(
            action='get_console_output', instance_uuid=instance['uuid'],
            attr='vm_state', state=instance['vm_state'])
    try:
        output = api.compute.get_console_output(ctx, instance, length)
    except exception.InstanceNotFound:
        raise exception.Conflict(reason='Instance %s has no guest on its '
                                        'host.' % instance['uuid'])
    except exception.VirtDriverError as exc:
        raise exception.NovaCoreException(
            'Unable to get console output: %s' % exc.format_message())
    return flask.jsonify({'output': output}), 200


#: action name -> (policy, schema, handler); a handler returns a response
#: or None (202).
ACTIONS = {
    'reboot': ('os_compute_api:servers:reboot', schemas.REBOOT, _reboot),
    'os-stop': ('os_compute_api:servers:stop',
                schemas.no_argument_action('os-stop'),
                _simple('stop', (vs.ACTIVE, vs.ERROR), ts.POWERING_OFF,
                        'stop_instance')),
    'os-start': ('os_compute_api:servers:start',
                 schemas.no_argument_action('os-start'),
                 _simple('start', (vs.STOPPED,), ts.POWERING_ON,
                         'start_instance')),
    'pause': ('os_compute_api:os-pause-server:pause',
              schemas.no_argument_action('pause'),
              _simple('pause', (vs.ACTIVE,), ts.PAUSING, 'pause_instance')),
    'unpause': ('os_compute_api:os-pause-server:unpause',
                schemas.no_argument_action('unpause'),
                _simple('unpause', (vs.PAUSED,), ts.UNPAUSING,
                        'unpause_instance')),
    'suspend': ('os_compute_api:os-suspend-server:suspend',
                schemas.no_argument_action('suspend'),
                _simple('suspend', (vs.ACTIVE,), ts.SUSPENDING,
                        'suspend_instance')),
    'resume': ('os_compute_api:os-suspend-server:resume',
               schemas.no_argument_action('resume'),
               _simple('resume', (vs.SUSPENDED,), ts.RESUMING,
                       'resume_instance')),
    'os-getConsoleOutput': ('os_compute_api:os-console-output',
                            schemas.CONSOLE_OUTPUT, _console_output),
}


@bp.post('/servers/<server_id>/action')
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
    rule, schema, handler = ACTIONS[name]
    validation.check(schema, document)
    policy.authorize(ctx, rule, {'project_id': instance['project_id'],
                                 'user_id': instance['user_id']})
    response = handler(ctx, api, instance, document)
    return response if response is not None else ('', 202)
