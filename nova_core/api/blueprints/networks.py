"""``/os-networks`` (2.1 to 2.35): the networks servers can be attached to,
as Nova's network proxy lists them, so that clients without a networking
service find the ids to pass in a create's ``networks``. Read-only (Nova's
create, delete and associate actions are gone with nova-network); 404 from
2.36 on, as Nova's proxy APIs."""
import flask

from nova_core import exception, network, policy
from nova_core.api import request, validation

bp = flask.Blueprint('networks', __name__)

#: Fields every caller sees, and those only admins see (Nova's
#: network_dict); what nova-core's networks do not have is null.
_FIELDS = ('id', 'cidr', 'netmask', 'gateway', 'broadcast', 'dns1', 'dns2',
           'cidr_v6', 'gateway_v6', 'label', 'netmask_v6')
_ADMIN_FIELDS = ('created_at', 'updated_at', 'deleted_at', 'deleted',
                 'injected', 'bridge', 'vlan', 'vpn_public_address',
                 'vpn_public_port', 'vpn_private_address', 'dhcp_start',
                 'project_id', 'host', 'bridge_interface', 'multi_host',
                 'priority', 'rxtx_base', 'mtu', 'dhcp_server',
                 'enable_dhcp', 'share_address')


@bp.before_request
def _until_2_35():
    if request.version().matches('2.36'):
        raise exception.NotFound('The resource could not be found.')


def _view(net, admin):
    fields = _FIELDS + (_ADMIN_FIELDS if admin else ())
    view = dict.fromkeys(fields)
    v6 = net.cidr.version == 6
    dns = list(net.dns_servers) + [None, None]
    view.update({
        'id': net.uuid, 'label': net.name, 'dns1': dns[0], 'dns2': dns[1],
        ('cidr_v6' if v6 else 'cidr'): str(net.cidr),
        ('gateway_v6' if v6 else 'gateway'): str(net.gateway),
        ('netmask_v6' if v6 else 'netmask'): (
            str(net.cidr.prefixlen) if v6 else str(net.cidr.netmask))})
    if not v6:
        view['broadcast'] = str(net.cidr.broadcast_address)
    if admin:
        view.update(bridge=net.bridge, deleted=False, enable_dhcp=True)
    return view


def _authorized(action):
    ctx = request.context()
    policy.authorize(ctx, 'os_compute_api:os-networks:%s' % action)
    return ctx.is_admin


@bp.get('/os-networks')
@validation.schema()
def index():
    admin = _authorized('list')
    return flask.jsonify({'networks': [
        _view(net, admin)
        for net in network.networks(request.conf()).values()]})


@bp.get('/os-networks/<network_id>')
@validation.schema()
def show(network_id):
    admin = _authorized('view')
    for net in network.networks(request.conf()).values():
        if net.uuid == network_id:
            return flask.jsonify({'network': _view(net, admin)})
    raise exception.NotFound('Network could not be found.')
