"""``/os-hosts`` (gone from 2.43 on: 404, as in Nova): the hosts of the
cloud's services, a compute host's resources and who uses them, and
enabling or disabling a compute host (admins).

Nova hands ``maintenance_mode`` and the power actions (startup, shutdown,
reboot) to the host's driver; neither driver here (fake, libvirt) does
them, as Nova's libvirt driver does not, so an existing, running compute
host answers 501 for them. Enabling or disabling is what Nova's
``os-services`` enable/disable does to the compute service: the scheduler
then skips (or again considers) the host.
"""
import flask

from nova_core import availability_zones, exception, policy
from nova_core.api import request, validation
from nova_core.api.schemas import types
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services

bp = flask.Blueprint('hosts', __name__)

QUERY = {'type': 'object', 'properties': {'zone': types.query_any},
         'additionalProperties': True}
_SWITCH = {'type': 'string', 'enum': ['enable', 'disable', 'Enable',
                                      'Disable', 'ENABLE', 'DISABLE']}
UPDATE = {'type': 'object',
          'properties': {'status': _SWITCH, 'maintenance_mode': _SWITCH},
          'anyOf': [{'required': ['status']},
                    {'required': ['maintenance_mode']}],
          'additionalProperties': False}
#: Services Nova leaves out of the list (nova-core's API registers none).
API_BINARIES = ('nova-osapi_compute', 'nova-metadata')


@bp.before_request
def _until_2_42():
    if request.version().matches('2.43'):
        raise exception.NotFound('The resource could not be found.')


def _authorize(action):
    policy.authorize(request.context(), 'os_compute_api:os-hosts:%s'
                     % action)


@bp.get('/os-hosts')
@validation.schema(query=QUERY)
def index():
    """The enabled services' hosts, in one zone if ``zone`` is given."""
    _authorize('list')
    zone = validation.single(validation.query(), 'zone')
    conf = request.conf()
    hosts = []
    for service in db_services.get_all(include_disabled=False):
        service_zone = availability_zones.service_zone(service, conf)
        if service['binary'] in API_BINARIES or (
                zone and service_zone != zone):
            continue
        hosts.append({'host_name': service['host'],
                      'service': service['topic'], 'zone': service_zone})
    return flask.jsonify({'hosts': hosts})


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


def _usage(host, project, instances):
    return _resource(host, project, sum(i['vcpus'] for i in instances),
                     sum(i['memory_mb'] for i in instances),
                     sum(i['root_gb'] + (i['ephemeral_gb'] or 0)
                         for i in instances))


@bp.get('/os-hosts/<host_name>')
@validation.schema()
def show(host_name):
    """The host's first node's totals and use, then what its instances
    take in all and per project (Nova's ``(total)``, ``(used_now)``,
    ``(used_max)`` and one line per project)."""
    _authorize('show')
    nodes = db_services.node_get_all(host=host_name)
    if not nodes:
        raise exception.ComputeHostNotFound(host=host_name)
    node = nodes[0]
    instances = db_instances.get_all({'host': host_name}, limit=None)
    resources = [
        _resource(host_name, '(total)', node['vcpus'], node['memory_mb'],
                  node['local_gb']),
        _resource(host_name, '(used_now)', node['vcpus_used'],
                  node['memory_mb_used'], node['local_gb_used']),
        _usage(host_name, '(used_max)', instances)]
    projects = {}
    for instance in instances:
        projects.setdefault(instance['project_id'], []).append(instance)
    resources += [_usage(host_name, project, members)
                  for project, members in projects.items()]
    return flask.jsonify({'host': resources})


def _compute_service(host_name):
    """The host's compute service, up.

    :raises: HostNotFound (404); ComputeServiceUnavailable (400) when it
        is down, as Nova answers before asking a host anything.
    """
    found = db_services.get_all(binary='nova-compute', host=host_name)
    if not found:
        raise exception.HostNotFound(host=host_name)
    if not db_services.is_up(found[0], request.conf().service_down_time):
        raise exception.ComputeServiceUnavailable(host=host_name)
    return found[0]


@bp.put('/os-hosts/<host_name>')
@validation.schema(body=UPDATE)
def update(host_name):
    """Enable or disable the host; ``maintenance_mode`` is 501 (checked
    before anything changes)."""
    _authorize('update')
    body = validation.body()
    service = _compute_service(host_name)
    if 'maintenance_mode' in body:
        raise exception.FeatureNotSupported()
    enabled = body['status'].lower() == 'enable'
    db_services.update(service['id'], {
        'disabled': not enabled,
        'disabled_reason': None})
    return flask.jsonify({'host': host_name,
                          'status': 'enabled' if enabled else 'disabled'})


def _power_action(action):
    def run(host_name):
        _authorize('start' if action == 'startup' else action)
        _compute_service(host_name)
        raise exception.FeatureNotSupported()
    run.__name__ = action
    run.__doc__ = ('``%s`` of a host: no driver here powers hosts (501), '
                   'after the checks Nova makes first.' % action)
    return run


for _action in ('startup', 'shutdown', 'reboot'):
    bp.get('/os-hosts/<host_name>/%s' % _action)(
        validation.schema()(_power_action(_action)))
