"""How a server shows in the instances table: Horizon's columns, worked
out from a Compute API server body."""
import datetime

from nova_core.dashboard import menu

#: The hypervisor's power states, as Horizon names them.
POWER_STATES = {0: 'No State', 1: 'Running', 3: 'Paused', 4: 'Shut Down',
                6: 'Crashed', 7: 'Suspended'}
#: Statuses a server settles in; any other (or a task) is in transition.
STABLE = ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR',
          'VERIFY_RESIZE', 'SOFT_DELETED', 'SHELVED', 'SHELVED_OFFLOADED',
          'RESCUE', 'DELETED')

#: Column -> the API's sort_key (None: not sortable).
COLUMNS = (('name', 'Instance Name', 'display_name'),
           ('project', 'Project', 'project_id'),
           ('image', 'Image Name', 'image_ref'),
           ('ips', 'IP Address', None),
           ('flavor', 'Flavor', 'instance_type_id'),
           ('key', 'Key Pair', 'key_name'),
           ('status', 'Status', 'vm_state'),
           ('az', 'Availability Zone', 'availability_zone'),
           ('task', 'Task', 'task_state'),
           ('power', 'Power State', 'power_state'),
           ('age', 'Age', 'created_at'))
#: The filters of the table: field -> the API's query parameter.
FILTERS = (('name', 'Instance Name'), ('status', 'Status'),
           ('image', 'Image ID'), ('flavor', 'Flavor ID'),
           ('availability_zone', 'Availability Zone'),
           ('key_name', 'Key Pair'), ('ip', 'IPv4 Address'))


def in_transition(server):
    return bool(server.get('OS-EXT-STS:task_state')) or \
        server.get('status') not in STABLE


def age(created, now=None):
    """'3 minutes', '2 days': how long ago ``created`` (ISO 8601) was."""
    try:
        then = datetime.datetime.fromisoformat(created.replace('Z',
                                                               '+00:00'))
    except (AttributeError, ValueError):
        return ''
    now = now or datetime.datetime.now(datetime.timezone.utc)
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (('day', 86400), ('hour', 3600), ('minute', 60)):
        if seconds >= size:
            count = seconds // size
            return '%d %s%s' % (count, unit, '' if count == 1 else 's')
    return '%d second%s' % (seconds, '' if seconds == 1 else 's')


def addresses(server):
    return [a['addr'] for net in (server.get('addresses') or {}).values()
            for a in net]


def flavor_text(flavor):
    if not flavor:
        return ''
    name = flavor.get('original_name') or flavor.get('id', '')
    if 'vcpus' in flavor:
        return '%s (%s vCPU, %s MB RAM, %s GB disk)' % (
            name, flavor['vcpus'], flavor['ram'], flavor['disk'])
    return name


def row(server, image_names, roles, is_admin):
    """What the table shows of ``server``."""
    image = server.get('image') or {}
    image_id = image.get('id') if isinstance(image, dict) else ''
    task = server.get('OS-EXT-STS:task_state')
    return {
        'id': server['id'], 'name': server['name'],
        'project': server.get('tenant_id', ''),
        'image': image_names.get(image_id, image_id or '(none)'),
        'ips': addresses(server),
        'flavor': flavor_text(server.get('flavor')),
        'key': server.get('key_name') or '',
        'status': server['status'],
        'az': server.get('OS-EXT-AZ:availability_zone', ''),
        'task': (task or 'None').replace('_', ' ').title() if task else
        'None',
        'power': POWER_STATES.get(server.get('OS-EXT-STS:power_state'),
                                  'No State'),
        'age': age(server.get('created')),
        'fault': (server.get('fault') or {}).get('message'),
        'locked': server.get('locked'),
        'transition': in_transition(server),
        'menu': menu.menu(server, roles, is_admin),
    }
