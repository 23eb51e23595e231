"""One server as ``GET /servers/{id}`` shows it: what the servers
blueprint and the actions that answer with the server (rebuild) share."""
from nova_core import policy
from nova_core.api import request
from nova_core.api.views import servers as views
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services


def host_statuses(ctx, version):
    """Nova's ``host_status`` (2.16): UP, DOWN or MAINTENANCE."""
    if not (version.matches('2.16') and policy.can(
            ctx, 'os_compute_api:servers:show:host_status')):
        return {}
    down_time = request.conf().service_down_time
    result = {}
    for svc in db_services.get_all(binary='nova-compute'):
        if not db_services.is_up(svc, down_time):
            result[svc['host']] = 'DOWN'
        else:
            result[svc['host']] = 'MAINTENANCE' if svc['disabled'] else 'UP'
    return result


def no_host(instance, statuses):
    if not statuses:
        return None
    return '' if instance['host'] is None else 'UNKNOWN'


def show_one(instance):
    ctx, version = request.context(), request.version()
    fault = None
    if instance['vm_state'] in ('error', 'deleted'):
        fault = db_instances.faults_latest([instance['uuid']]).get(
            instance['uuid'])
    statuses = host_statuses(ctx, version)
    return views.detail(instance, version, ctx, fault,
                        statuses.get(instance['host'],
                                     no_host(instance, statuses)),
                        fixed_ips=db_fixed_ips.get_by_instances(
                            [instance['uuid']]).get(instance['uuid']))


#: What Nova leaves out of the server that ``PUT /servers/{id}`` and
#: ``rebuild`` answer with before 2.75 (from 2.75 they show all of it).
_HIDDEN_BEFORE_2_75 = (
    'OS-EXT-SRV-ATTR:', 'OS-EXT-STS:', 'OS-SRV-USG:', 'OS-EXT-AZ:',
    'os-extended-volumes:', 'key_name', 'security_groups', 'config_drive',
    'host_status')


def show_changed(instance, rebuilt=False):
    """The server as update (``rebuilt=False``) or rebuild answer: before
    2.75 without the extended attributes; a rebuild adds ``key_name`` from
    2.54 and ``user_data`` from 2.57, as Nova's."""
    version = request.version()
    view = show_one(instance)
    if not version.matches('2.75'):
        view = {k: v for k, v in view.items()
                if not k.startswith(_HIDDEN_BEFORE_2_75)}
        # Nova's addresses without the extended keys (extend_address=False).
        view['addresses'] = {
            label: [{'version': a['version'], 'addr': a['addr']}
                    for a in addresses]
            for label, addresses in (view.get('addresses') or {}).items()}
    if rebuilt:
        view.pop('OS-EXT-SRV-ATTR:user_data', None)
        if version.matches('2.54'):
            view['key_name'] = instance['key_name']
        if version.matches('2.57'):
            view['user_data'] = instance['user_data']
    return view
