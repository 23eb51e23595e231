"""``/os-availability-zone``: the zones users may boot in; for admins,
with each zone's hosts and their services."""
import flask

from nova_core import availability_zones, policy
from nova_core.api import links, request, validation
from nova_core.db import services as db_services

bp = flask.Blueprint('availability_zones', __name__)

QUERY = {'type': 'object', 'additionalProperties': True}


def _zones(services, conf):
    """(zones with an enabled service, zones whose services are all
    disabled), each in the order services were registered."""
    available, unavailable = [], []
    for service in services:
        zone = availability_zones.service_zone(service, conf)
        if not service['disabled'] and zone not in available:
            available.append(zone)
    for service in services:
        zone = availability_zones.service_zone(service, conf)
        if zone not in available and zone not in unavailable:
            unavailable.append(zone)
    return available, unavailable


def _zone(name, available, hosts=None):
    return {'zoneName': name, 'zoneState': {'available': available},
            'hosts': hosts}


@bp.get('/os-availability-zone')
@validation.schema(query=QUERY)
def index():
    policy.authorize(request.context(),
                     'os_compute_api:os-availability-zone:list')
    available, unavailable = _zones(db_services.get_all(), request.conf())
    info = [_zone(z, True) for z in available
            if z != availability_zones.INTERNAL]
    info += [_zone(z, False) for z in unavailable
             if z != availability_zones.INTERNAL]
    return flask.jsonify({'availabilityZoneInfo': info})


@bp.get('/os-availability-zone/detail')
@validation.schema(query=QUERY)
def detail():
    policy.authorize(request.context(),
                     'os_compute_api:os-availability-zone:detail')
    conf = request.conf()
    services = db_services.get_all()
    available, unavailable = _zones(services, conf)
    hosts = {}
    for service in services:
        if service['disabled']:
            continue
        zone = availability_zones.service_zone(service, conf)
        hosts.setdefault(zone, {}).setdefault(service['host'], {})[
            service['binary']] = {
                'available': db_services.is_up(service,
                                               conf.service_down_time),
                'active': True,
                'updated_at': links.usage_time(
                    service['last_seen_up'] or service['updated_at'])}
    info = [_zone(z, True, hosts.get(z, {})) for z in available]
    info += [_zone(z, False) for z in unavailable]
    return flask.jsonify({'availabilityZoneInfo': info})
