"""``POST /servers/{id}/remote-consoles`` (2.6): a URL of a console proxy
with a short-lived token for one of the server's consoles (see
:mod:`nova_core.api.consoles`); Nova's answers for the kinds nova-core
does not serve."""
import flask

from nova_core import exception, policy
from nova_core.api import consoles, request, validation
from nova_core.api.schemas import remote_consoles as schemas

bp = flask.Blueprint('remote_consoles', __name__)

RULE = 'os_compute_api:os-remote-consoles'


@bp.before_request
def _since_2_6():
    if not request.version().matches('2.6'):
        raise exception.NotFound('The resource could not be found.')


def _body_schema(version):
    return schemas.create(version) if version.matches('2.6') else None


@bp.post('/servers/<server_id>/remote-consoles')
@validation.schema(body=_body_schema)
def create(server_id):
    ctx = request.context()
    api = request.servers_api()
    body = validation.body()['remote_console']
    instance = api.get(ctx, server_id)
    policy.authorize(ctx, RULE, {'project_id': instance['project_id'],
                                 'user_id': instance['user_id']})
    protocol, console_type = body['protocol'], body['type']
    if protocol == 'rdp':
        raise exception.Invalid('Unavailable console type %s.' % protocol)
    url = consoles.console_url(request.conf(), ctx, api, instance,
                               protocol, console_type)
    return flask.jsonify({'remote_console': {
        'protocol': protocol, 'type': console_type, 'url': url}})
