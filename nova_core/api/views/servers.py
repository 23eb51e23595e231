"""Servers as the API shows them, for each microversion."""
import hashlib

from nova_core.api import links, status
from nova_core.api.views import addresses as address_views
from nova_core.api.views import flavors as flavor_views
from nova_core.db import server_groups as db_server_groups


def basic(instance):
    return {'id': instance['uuid'], 'name': instance['display_name'],
            'links': links.resource('servers', instance['uuid'])}


def _image(instance, version):
    if not instance['image_ref']:
        return ''
    view = {'id': instance['image_ref'],
            'links': links.bookmark('images', instance['image_ref'])}
    if version.matches('2.98'):
        view['properties'] = {
            k[len('image_'):]: v
            for k, v in (instance['system_metadata'] or {}).items()
            if k.startswith('image_')}
    return view


def _host_id(instance):
    if not instance['host']:
        return ''
    return hashlib.sha224((instance['project_id'] + instance['host']).encode(
        )).hexdigest()


def _fault(fault, context):
    view = {'code': fault['code'], 'created': links.isotime(
        fault['created_at']), 'message': fault['message']}
    if context.is_admin or fault['code'] != 500:
        view['details'] = fault['details'] or ''
    return view


def detail(instance, version, context, fault=None, host_status=None,
           show_extras=True, fixed_ips=()):
    """The full server. ``show_extras``: fields Nova shows in GET/PUT of
    one server but not in lists (``server_groups``); ``fixed_ips``: its
    rows of :mod:`nova_core.db.fixed_ips`."""
    shown = status.status(instance['vm_state'], instance['task_state'])
    view = basic(instance)
    view.update({
        'status': shown,
        'tenant_id': instance['project_id'],
        'user_id': instance['user_id'],
        'metadata': instance['meta'] or {},
        'hostId': _host_id(instance),
        'image': _image(instance, version),
        'flavor': flavor_views.embedded(instance['flavor'], version),
        'created': links.isotime(instance['created_at']),
        'updated': links.isotime(instance['updated_at'] or
                                 instance['created_at']),
        'addresses': address_views.index(fixed_ips, extended=True),
        'accessIPv4': instance['access_ip_v4'] or '',
        'accessIPv6': instance['access_ip_v6'] or '',
        'OS-DCF:diskConfig': 'MANUAL',
        'OS-EXT-AZ:availability_zone': instance['availability_zone'] or '',
        'config_drive': instance['config_drive'] or '',
        'key_name': instance['key_name'],
        'OS-SRV-USG:launched_at': links.usage_time(instance['launched_at']),
        'OS-SRV-USG:terminated_at': links.usage_time(
            instance['terminated_at']),
        'OS-EXT-STS:task_state': instance['task_state'],
        'OS-EXT-STS:vm_state': instance['vm_state'],
        'OS-EXT-STS:power_state': instance['power_state'],
        'os-extended-volumes:volumes_attached': [],
    })
    groups = (instance['system_metadata'] or {}).get('security_groups',
                                                      ['default'])
    if groups:  # as Nova's: no key for a server in no group
        view['security_groups'] = [{'name': name} for name in groups]
    if shown in status.PROGRESS_STATUSES:
        view['progress'] = instance['progress'] or 0
    if context.is_admin:
        view.update({
            'OS-EXT-SRV-ATTR:host': instance['host'],
            'OS-EXT-SRV-ATTR:instance_name': instance['name'],
            'OS-EXT-SRV-ATTR:hypervisor_hostname': instance['node'],
        })
    _add_versioned(view, instance, version, context, host_status,
                   show_extras)
    if fault is not None and instance['vm_state'] in ('error', 'deleted'):
        view['fault'] = _fault(fault, context)
    return view


def _add_versioned(view, instance, version, context, host_status,
                   show_extras):
    if version.matches('2.3') and context.is_admin:
        view.update({
            'OS-EXT-SRV-ATTR:reservation_id': instance['reservation_id'],
            'OS-EXT-SRV-ATTR:launch_index': instance['launch_index'],
            'OS-EXT-SRV-ATTR:kernel_id': (instance['system_metadata'] or
                                          {}).get('image_kernel_id', ''),
            'OS-EXT-SRV-ATTR:ramdisk_id': (instance['system_metadata'] or
                                           {}).get('image_ramdisk_id', ''),
            'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
            'OS-EXT-SRV-ATTR:user_data': instance['user_data'],
        })
    if version.matches('2.3') and (context.is_admin or
                                   version.matches('2.90')):
        view['OS-EXT-SRV-ATTR:hostname'] = instance['hostname']
    if version.matches('2.3'):
        view['os-extended-volumes:volumes_attached'] = []
    if version.matches('2.9'):
        view['locked'] = bool(instance['locked'])
    if version.matches('2.16') and host_status is not None:
        view['host_status'] = host_status
    if version.matches('2.19'):
        view['description'] = instance['display_description']
    if version.matches('2.26'):
        view['tags'] = list(instance['tags'] or [])
    if version.matches('2.63'):
        view['trusted_image_certificates'] = None
    if version.matches('2.71') and show_extras:
        view['server_groups'] = db_server_groups.group_uuids_of(
            instance['uuid'])
    if version.matches('2.73'):
        view['locked_reason'] = instance['locked_reason']
    system_metadata = instance['system_metadata'] or {}
    if version.matches('2.96'):
        view['pinned_availability_zone'] = system_metadata.get(
            'pinned_availability_zone')
    if version.matches('2.100'):
        view['scheduler_hints'] = system_metadata.get('scheduler_hints', {})
