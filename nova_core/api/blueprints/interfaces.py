"""``/servers/{id}/os-interface``: a server's ports, listed, shown,
attached and detached (see :mod:`nova_core.api.interfaces`); the ``tag``
of an interface is taken since 2.49 and shown since 2.70."""
import flask

from nova_core import policy
from nova_core.api import interfaces, request, validation
from nova_core.api.schemas import attach_interfaces as schemas

bp = flask.Blueprint('interfaces', __name__)

RULE = 'os_compute_api:os-attach-interfaces:%s'
PATH = '/servers/<server_id>/os-interface'


def _server(server_id, action):
    ctx = request.context()
    api = request.servers_api()
    instance = api.get(ctx, server_id)
    policy.authorize(ctx, RULE % action,
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    return ctx, api, instance


def _show_tag():
    return request.version().matches('2.70')


@bp.get(PATH)
@validation.schema()
def index(server_id):
    _, _, instance = _server(server_id, 'list')
    return flask.jsonify({'interfaceAttachments': [
        interfaces.view(row, _show_tag())
        for row in interfaces.ports(instance)]})


@bp.get(PATH + '/<port_id>')
@validation.schema()
def show(server_id, port_id):
    _, _, instance = _server(server_id, 'show')
    return flask.jsonify({'interfaceAttachment': interfaces.view(
        interfaces.port(instance, port_id), _show_tag())})


@bp.post(PATH)
@validation.schema(body=schemas.create)
def create(server_id):
    ctx, api, instance = _server(server_id, 'create')
    body = validation.body()
    row = interfaces.attach(request.conf(), ctx, api, instance, body)
    return flask.jsonify({'interfaceAttachment': interfaces.view(
        row, _show_tag())})


@bp.delete(PATH + '/<port_id>')
@validation.schema()
def delete(server_id, port_id):
    ctx, api, instance = _server(server_id, 'delete')
    interfaces.detach(request.conf(), ctx, api, instance, port_id)
    return '', 202
