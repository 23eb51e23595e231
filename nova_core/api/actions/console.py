"""``os-getConsoleOutput``: the guest's console log, or its tail; and the
console URL actions before 2.6 (``os-getVNCConsole``,
``os-getSerialConsole``, ``os-getSPICEConsole``), which
``/servers/{id}/remote-consoles`` replaced."""
import flask

from nova_core import exception
from nova_core.api import consoles
from nova_core.api.actions.base import Action
from nova_core.api.schemas import remote_consoles as console_schemas
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


def _url_action(name, protocol):
    """The handler of a console URL action (2.1 to 2.5)."""
    def run(ctx, api, instance, body):
        version = flask.g.api_version
        if version.matches('2.6'):
            raise exception.NotFound('API version %s is not supported on '
                                     'this method.' % version)
        console_type = body[name]['type']
        conf = flask.current_app.extensions['nova_core']['conf']
        url = consoles.console_url(conf, ctx, api, instance, protocol,
                                   console_type)
        return flask.jsonify({'console': {'type': console_type,
                                          'url': url}}), 200
    return run


#: action -> (protocol, the types its schema takes), as Nova's.
_URL_ACTIONS = {'os-getVNCConsole': ('vnc', ['novnc', 'xvpvnc']),
                'os-getSerialConsole': ('serial', ['serial']),
                'os-getSPICEConsole': ('spice', ['spice-html5'])}

ACTIONS = {
    'os-getConsoleOutput': Action('os_compute_api:os-console-output',
                                  schemas.CONSOLE_OUTPUT, _console_output,
                                  checks_lock=False),
}
ACTIONS.update({
    name: Action('os_compute_api:os-remote-consoles',
                 console_schemas.action(name, types),
                 _url_action(name, protocol), checks_lock=False)
    for name, (protocol, types) in _URL_ACTIONS.items()})
