"""``/os-simple-tenant-usage``: each project's server hours in a period,
weighed by their flavors' vCPUs, RAM and disk, as Nova reckons them from
the servers' launch and termination times (dashboards' overview pages)."""
import datetime

import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import types
from nova_core.db import usage as db_usage
from nova_core.db.models import utcnow

bp = flask.Blueprint('simple_tenant_usage', __name__)

QUERY = {'type': 'object', 'properties': {
    'start': types.query_any, 'end': types.query_any,
    'detailed': types.query_any, 'limit': types.query_limit,
    'marker': types.query_any,
}, 'additionalProperties': True}

_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
            '%Y-%m-%d %H:%M:%S.%f')


def _parse(text):
    if not text:
        return utcnow()
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise exception.ValidationError(
        detail='Invalid datetime string: Datetime is in invalid format')


def _period(params):
    start = _parse(validation.single(params, 'start'))
    stop = _parse(validation.single(params, 'end'))
    if not start < stop:
        raise exception.ValidationError(
            detail='Invalid start time. The start time cannot occur after '
                   'the end time.')
    return start, min(stop, utcnow())


def hours(instance, start, stop):
    """Hours ``instance`` ran within [start, stop] (Nova's ``_hours_for``)."""
    launched, terminated = instance['launched_at'], instance['terminated_at']
    if launched is None or launched > stop or (
            terminated is not None and terminated < start):
        return 0
    end = min(stop, terminated) if terminated is not None else stop
    return (end - max(launched, start)).total_seconds() / 3600.0


def _server_usage(instance, start, stop, now):
    ended = instance['terminated_at']
    return {
        'hours': hours(instance, start, stop),
        'flavor': (instance['flavor'] or {}).get('name', ''),
        'instance_id': instance['uuid'],
        'name': instance['display_name'] or '',
        'tenant_id': instance['project_id'],
        'memory_mb': instance['memory_mb'],
        'local_gb': instance['root_gb'] + (instance['ephemeral_gb'] or 0),
        'vcpus': instance['vcpus'],
        'started_at': links.usage_time(instance['launched_at']),
        'ended_at': links.usage_time(ended),
        'state': 'terminated' if ended else instance['vm_state'],
        'uptime': int(((ended or now) - instance['launched_at'])
                      .total_seconds()),
    }


def tenant_usages(instances, start, stop, detailed):
    """([usage of each project, in order of first server], [each server's
    usage])."""
    now, projects, servers = utcnow(), {}, []
    for instance in instances:
        server = _server_usage(instance, start, stop, now)
        summary = projects.get(server['tenant_id'])
        if summary is None:
            summary = projects[server['tenant_id']] = {
                'tenant_id': server['tenant_id'],
                'total_local_gb_usage': 0, 'total_vcpus_usage': 0,
                'total_memory_mb_usage': 0, 'total_hours': 0,
                'start': links.usage_time(start),
                'stop': links.usage_time(stop)}
            if detailed:
                summary['server_usages'] = []
        for total, field in (('total_local_gb_usage', 'local_gb'),
                             ('total_vcpus_usage', 'vcpus'),
                             ('total_memory_mb_usage', 'memory_mb')):
            summary[total] += server[field] * server['hours']
        summary['total_hours'] += server['hours']
        if detailed:
            summary['server_usages'].append(server)
        servers.append(server)
    return list(projects.values()), servers


def _usages(params, project_id, detailed):
    start, stop = _period(params)
    limit, marker = request.conf().api.max_limit, None
    paged = request.version().matches('2.40')
    if paged:
        limit = validation.page_limit(params, limit, default=limit)
        marker = validation.single(params, 'marker')
    instances = db_usage.instances_in_window(start, stop, project_id,
                                             limit=limit, marker=marker)
    usages, servers = tenant_usages(instances, start, stop, detailed)
    next_link = links.next_link([{'id': s['instance_id']} for s in servers],
                                limit) if paged else None
    return usages, next_link


@bp.get('/os-simple-tenant-usage')
@validation.schema(query=QUERY)
def index():
    if flask.request.path.endswith('/'):
        # ``/os-simple-tenant-usage/``: show of an empty tenant id, which
        # Nova's router finds no route for.
        raise exception.NotFound('The resource could not be found.')
    policy.authorize(request.context(),
                     'os_compute_api:os-simple-tenant-usage:list')
    params = validation.query()
    detailed = validation.single(params, 'detailed', '0') == '1'
    usages, next_link = _usages(params, None, detailed)
    body = {'tenant_usages': usages}
    if next_link:
        body['tenant_usages_links'] = [next_link]
    return flask.jsonify(body)


@bp.get('/os-simple-tenant-usage/<tenant_id>')
@validation.schema(query=QUERY)
def show(tenant_id):
    policy.authorize(request.context(),
                     'os_compute_api:os-simple-tenant-usage:show',
                     {'project_id': tenant_id})
    usages, next_link = _usages(validation.query(), tenant_id, True)
    body = {'tenant_usage': usages[0] if usages else {}}
    if next_link:
        body['tenant_usage_links'] = [next_link]
    return flask.jsonify(body)
