"""``/os-hypervisors``: the compute nodes and what they hold (admins)."""
import json
import uuid

import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import types
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services

bp = flask.Blueprint('hypervisors', __name__)

QUERY = {'type': 'object', 'properties': {
    'limit': types.query_limit, 'marker': types.query_any,
    'hypervisor_hostname_pattern': types.query_any,
    'with_servers': types.query_any,
}, 'additionalProperties': True}


def _nodes():
    """Live compute nodes with their service, keyed for lookups."""
    services = {s['host']: s for s in db_services.get_all(
        binary='nova-compute')}
    return [(n, services.get(n['host'])) for n in db_services.node_get_all()]


def _basic(node, service, version):
    down_time = request.conf().service_down_time
    up = service is not None and db_services.is_up(service, down_time)
    return {
        'id': node['uuid'] if version.matches('2.53') else node['id'],
        'hypervisor_hostname': node['hypervisor_hostname'],
        'state': 'up' if up else 'down',
        'status': ('disabled' if service is None or service['disabled']
                   else 'enabled'),
    }


def _detail(node, service, version):
    view = _basic(node, service, version)
    view.update({
        'hypervisor_type': node['hypervisor_type'],
        'hypervisor_version': node['hypervisor_version'],
        'host_ip': node['host_ip'],
        'service': {
            'host': node['host'],
            'id': (service['uuid'] if version.matches('2.53')
                   else service['id']) if service else None,
            'disabled_reason': service['disabled_reason'] if service
            else None},
    })
    if version.matches('2.88'):
        view['uptime'] = None
        return view
    cpu_info = node['cpu_info']
    if version.matches('2.28'):
        cpu_info = json.loads(cpu_info or '{}')
    free_disk = node['local_gb'] - node['local_gb_used']
    view.update({
        'vcpus': node['vcpus'], 'memory_mb': node['memory_mb'],
        'local_gb': node['local_gb'], 'vcpus_used': node['vcpus_used'],
        'memory_mb_used': node['memory_mb_used'],
        'local_gb_used': node['local_gb_used'],
        'free_ram_mb': node['memory_mb'] - node['memory_mb_used'],
        'free_disk_gb': free_disk, 'disk_available_least': free_disk,
        'current_workload': 0, 'running_vms': node['running_vms'],
        'cpu_info': cpu_info,
    })
    return view


def _with_servers(view, node, params, version):
    if not version.matches('2.53'):
        return view
    wanted = validation.single(params, 'with_servers')
    if wanted is not None and types.as_bool(wanted):
        placed = db_instances.get_all({'host': node['host'],
                                       'node': node['hypervisor_hostname']})
        view['servers'] = [{'name': i['name'], 'uuid': i['uuid']}
                           for i in placed]
    return view


def _list(detail):
    ctx, version = request.context(), request.version()
    policy.authorize(ctx, 'os_compute_api:os-hypervisors:%s'
                     % ('list-detail' if detail else 'list'))
    params = validation.query()
    nodes = _nodes()
    pattern = validation.single(params, 'hypervisor_hostname_pattern')
    if pattern is not None and version.matches('2.53'):
        nodes = [(n, s) for n, s in nodes
                 if pattern in n['hypervisor_hostname']]
        if not nodes:
            raise exception.NotFound('No hypervisor matching %r could be '
                                     'found.' % pattern)
    limit = None
    if version.matches('2.33'):
        marker = validation.single(params, 'marker')
        if marker is not None:
            ids = [str(_basic(n, s, version)['id']) for n, s in nodes]
            if marker not in ids:
                raise exception.ValidationError(
                    detail='marker [%s] not found' % marker)
            nodes = nodes[ids.index(marker) + 1:]
        limit = validation.page_limit(params, request.conf().api.max_limit)
        if limit is not None:
            nodes = nodes[:limit]
    view = _detail if detail else _basic
    items = [_with_servers(view(n, s, version), n, params, version)
             for n, s in nodes]
    body = {'hypervisors': items}
    next_link = links.next_link(items, limit)
    if next_link:
        body['hypervisors_links'] = [next_link]
    return flask.jsonify(body)


@bp.get('/os-hypervisors')
@validation.schema(query=QUERY)
def index():
    return _list(detail=False)


@bp.get('/os-hypervisors/detail')
@validation.schema(query=QUERY)
def detail():
    return _list(detail=True)


def _check_id(hypervisor_id, version):
    """:raises: ValidationError (2.53+) unless a uuid; NotFound (before)
        unless an integer."""
    if version.matches('2.53'):
        try:
            uuid.UUID(hypervisor_id)
        except ValueError:
            raise exception.ValidationError(detail='Invalid uuid %s'
                                            % hypervisor_id)
    elif not (hypervisor_id.isascii() and hypervisor_id.isdigit()):
        # Nova looks such an id up before 2.53, and finds nothing.
        raise exception.NotFound('Hypervisor with ID %s could not be found.'
                                 % hypervisor_id)


@bp.get('/os-hypervisors/<hypervisor_id>')
@validation.schema(query=QUERY)
def show(hypervisor_id):
    ctx, version = request.context(), request.version()
    policy.authorize(ctx, 'os_compute_api:os-hypervisors:show')
    params = validation.query()
    _check_id(hypervisor_id, version)
    node, service = _find(hypervisor_id, version)
    view = _with_servers(_detail(node, service, version), node, params,
                         version)
    if version.matches('2.88'):
        try:
            view['uptime'] = _uptime(ctx, node, service)
        except exception.Invalid:
            pass
    return flask.jsonify({'hypervisor': view})


def _find(hypervisor_id, version):
    """(node, service) of a path's id.

    :raises: NotFound.
    """
    for node, service in _nodes():
        if str(_basic(node, service, version)['id']) == hypervisor_id:
            return node, service
    raise exception.NotFound('Hypervisor with ID %s could not be found.'
                             % hypervisor_id)


def _uptime(ctx, node, service):
    """The host's uptime, asked of its compute service.

    :raises: Invalid (400) when that service is down, as Nova's
        ComputeServiceUnavailable.
    """
    if service is None or not db_services.is_up(
            service, request.conf().service_down_time):
        raise exception.Invalid(
            reason='Compute service of %s is unavailable at this time.'
            % node['host'])
    return request.servers_api().compute.get_host_uptime(ctx, node['host'])


def _removed_in(version_name):
    """404 from ``version_name`` on: Nova's answer to a route its
    microversion no longer has."""
    if request.version().matches(version_name):
        raise exception.NotFound('The resource could not be found.')


@bp.get('/os-hypervisors/statistics')
@validation.schema(query=QUERY)
def statistics():
    """Totals over the hypervisors of enabled compute services (before
    2.88)."""
    _removed_in('2.88')
    policy.authorize(request.context(),
                     'os_compute_api:os-hypervisors:statistics')
    fields = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
              'memory_mb_used', 'local_gb_used', 'running_vms')
    stats = dict.fromkeys(('count', 'free_ram_mb', 'free_disk_gb',
                           'current_workload', 'disk_available_least') +
                          fields, 0)
    for node, service in _nodes():
        if service is None or service['disabled']:
            continue
        stats['count'] += 1
        for field in fields:
            stats[field] += node[field] or 0
        stats['free_ram_mb'] += node['memory_mb'] - node['memory_mb_used']
        free_disk = node['local_gb'] - node['local_gb_used']
        stats['free_disk_gb'] += free_disk
        stats['disk_available_least'] += free_disk
    return flask.jsonify({'hypervisor_statistics': stats})


@bp.get('/os-hypervisors/<hypervisor_id>/uptime')
@validation.schema(query=QUERY)
def uptime(hypervisor_id):
    """Before 2.88 (from then on, ``uptime`` is in show)."""
    _removed_in('2.88')
    ctx, version = request.context(), request.version()
    policy.authorize(ctx, 'os_compute_api:os-hypervisors:uptime')
    _check_id(hypervisor_id, version)
    node, service = _find(hypervisor_id, version)
    view = _basic(node, service, version)
    view['uptime'] = _uptime(ctx, node, service)
    return flask.jsonify({'hypervisor': view})


def _matching(pattern):
    nodes = [(n, s) for n, s in _nodes()
             if pattern in n['hypervisor_hostname']]
    if not nodes:
        raise exception.NotFound('No hypervisor matching %s could be '
                                 'found.' % pattern)
    return nodes


@bp.get('/os-hypervisors/<pattern>/search')
@validation.schema(query=QUERY)
def search(pattern):
    """Before 2.53 (then ``?hypervisor_hostname_pattern``)."""
    _removed_in('2.53')
    policy.authorize(request.context(),
                     'os_compute_api:os-hypervisors:search')
    version = request.version()
    return flask.jsonify({'hypervisors': [
        _basic(n, s, version) for n, s in _matching(pattern)]})


@bp.get('/os-hypervisors/<pattern>/servers')
@validation.schema(query=QUERY)
def servers(pattern):
    """Before 2.53 (then ``?with_servers``)."""
    _removed_in('2.53')
    policy.authorize(request.context(),
                     'os_compute_api:os-hypervisors:servers')
    version, found = request.version(), []
    for node, service in _matching(pattern):
        view = _basic(node, service, version)
        placed = db_instances.get_all({'host': node['host'],
                                       'node': node['hypervisor_hostname']})
        if placed:
            view['servers'] = [{'name': i['name'], 'uuid': i['uuid']}
                               for i in placed]
        found.append(view)
    return flask.jsonify({'hypervisors': found})
