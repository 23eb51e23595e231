"""``/os-services``: the services of the cloud and whether they are up."""
import flask

from nova_core import policy
from nova_core.api import links, request, validation
from nova_core.db import services as db_services

bp = flask.Blueprint('services', __name__)

QUERY = {'type': 'object', 'properties': {
    'binary': {'type': 'array', 'items': {'type': 'string'}},
    'host': {'type': 'array', 'items': {'type': 'string'}},
}, 'additionalProperties': True}


def view(service, version, down_time):
    zone = (service['availability_zone'] or request.conf(
    ).default_availability_zone) if service['binary'] == 'nova-compute' \
        else 'internal'
    item = {
        'id': service['uuid'] if version.matches('2.53') else service['id'],
        'binary': service['binary'], 'host': service['host'], 'zone': zone,
        'status': 'disabled' if service['disabled'] else 'enabled',
        'state': 'up' if db_services.is_up(service, down_time) else 'down',
        'updated_at': links.usage_time(service['last_seen_up'] or
                                       service['updated_at']),
        'disabled_reason': service['disabled_reason'],
    }
    if version.matches('2.11'):
        item['forced_down'] = bool(service['forced_down'])
    return item


@bp.get('/os-services')
def index():
    policy.authorize(request.context(), 'os_compute_api:os-services:list')
    params = validation.query(QUERY)
    services = db_services.get_all(binary=validation.single(params, 'binary'),
                                   host=validation.single(params, 'host'))
    down_time = request.conf().service_down_time
    return flask.jsonify({'services': [
        view(s, request.version(), down_time) for s in services]})
