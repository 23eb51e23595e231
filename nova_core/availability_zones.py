"""Which availability zone a service is in, as Nova decides it.

A compute service is in the zone of the aggregate holding its host
(:func:`nova_core.db.aggregates.host_zones`, applied as services are read),
else in ``[DEFAULT] default_availability_zone``; every other service is in
the ``internal`` zone, which users never choose.
"""

INTERNAL = 'internal'


def service_zone(service, conf):
    if service['binary'] != 'nova-compute':
        return INTERNAL
    return service['availability_zone'] or conf.default_availability_zone
