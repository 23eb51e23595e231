"""``/servers/{server_id}/diagnostics``: what the hypervisor tells of a
guest (admins), in Nova's standard format from 2.48, before it a flat
object of counters."""
import flask

from nova_core import exception, policy
from nova_core.api import request, validation

bp = flask.Blueprint('server_diagnostics', __name__)

QUERY = {'type': 'object', 'additionalProperties': True}


def _legacy(diagnostics):
    """Before 2.48: one flat object, as Nova's libvirt driver gave."""
    flat = {'state': diagnostics['state'],
            'memory': diagnostics['memory_details']['maximum']}
    for cpu in diagnostics['cpu_details']:
        flat['cpu%d_time' % cpu['id']] = cpu['time']
    return flat


@bp.get('/servers/<server_id>/diagnostics')
@validation.schema(query=QUERY)
def show(server_id):
    ctx = request.context()
    api = request.servers_api()
    instance = api.get(ctx, server_id)
    policy.authorize(ctx, 'os_compute_api:os-server-diagnostics',
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    if instance['host'] is None:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    try:
        diagnostics = api.compute.get_instance_diagnostics(ctx, instance)
    except exception.InstanceNotFound:
        raise exception.Conflict(reason='Instance %s has no guest on its '
                                        'host.' % instance['uuid'])
    if not request.version().matches('2.48'):
        diagnostics = _legacy(diagnostics)
    return flask.jsonify(diagnostics)
