"""``os-getConsoleOutput``: the guest's console log, or its tail."""
import flask

from nova_core import exception
from nova_core.api.actions.base import Action
from nova_core.api.schemas import servers as schemas
from nova_core.states import task_states as ts


def _console_output(ctx, api, instance, body):
    length = (body['os-getConsoleOutput'] or {}).get('length')
    if length is not None:
        length = int(length)
        if length == -1:
            length = None
    # As Nova's: any vm_state once the server has a host, unless it is
    # being deleted.
    if instance['host'] is None:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    if instance['task_state'] == ts.DELETING:
        raise exception.InstanceInvalidState(
            action='get_console_output', instance_uuid=instance['uuid'],
            attr='task_state', state=instance['task_state'])
    try:
        output = api.compute.get_console_output(ctx, instance, length)
    except exception.InstanceNotFound:
        raise exception.Conflict(reason='Instance %s has no guest on its '
                                        'host.' % instance['uuid'])
    except exception.VirtDriverError as exc:
        raise exception.NovaCoreException(
            'Unable to get console output: %s' % exc.format_message())
    return flask.jsonify({'output': output}), 200


ACTIONS = {
    'os-getConsoleOutput': Action('os_compute_api:os-console-output',
                                  schemas.CONSOLE_OUTPUT, _console_output,
                                  checks_lock=False),
}
