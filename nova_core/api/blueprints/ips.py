"""``/servers/{id}/ips``: a server's addresses by network, as Nova's
``ips`` resource shows them (no type, no MAC: those are in the server)."""
import flask

from nova_core import exception, policy
from nova_core.api import request, validation
from nova_core.api.views import addresses as views
from nova_core.db import fixed_ips as db_fixed_ips

bp = flask.Blueprint('ips', __name__)


def _addresses(server_id, action):
    ctx = request.context()
    instance = request.servers_api().get(ctx, server_id)
    policy.authorize(ctx, 'os_compute_api:ips:%s' % action,
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    return views.index(db_fixed_ips.get_by_instances(
        [instance['uuid']]).get(instance['uuid']))


@bp.get('/servers/<server_id>/ips')
@validation.schema()
def index(server_id):
    return flask.jsonify({'addresses': _addresses(server_id, 'index')})


@bp.get('/servers/<server_id>/ips/<network_label>')
@validation.schema()
def show(server_id, network_label):
    addresses = _addresses(server_id, 'show')
    if network_label not in addresses:
        raise exception.NotFound(
            'Instance is not a member of specified network')
    return flask.jsonify({network_label: addresses[network_label]})
