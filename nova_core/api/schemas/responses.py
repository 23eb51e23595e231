"""Schemas of the API's responses, for the OpenAPI document.

They describe the newest microversion (2.100). Fields that appear only for
admins, or only in some states, are not required; every object admits
more properties than it names, as clients must tolerate additions.
"""
from nova_core.api import errors
from nova_core.api.schemas import server_external_events as _see

_STRING_OR_NULL = {'type': ['string', 'null']}

LINKS = {'type': 'array', 'items': {
    'type': 'object', 'required': ['rel', 'href'],
    'properties': {'rel': {'type': 'string'}, 'href': {'type': 'string'},
                   'type': {'type': 'string'}}}}

#: Nova's error body: ``{"itemNotFound": {"code": 404, "message": "..."}}``.
FAULT = {
    'type': 'object', 'minProperties': 1, 'maxProperties': 1,
    'propertyNames': {'enum': sorted(set(errors.FAULT_NAMES.values()) |
                                     {'computeFault'})},
    'additionalProperties': {
        'type': 'object', 'required': ['code', 'message'],
        'properties': {'code': {'type': 'integer'},
                       'message': {'type': 'string'}},
        'additionalProperties': False},
}

_SERVER_BASIC_PROPS = {'id': {'type': 'string', 'format': 'uuid'},
                       'name': {'type': 'string'}, 'links': LINKS}

SERVER_BASIC = {'type': 'object', 'required': ['id', 'name', 'links'],
                'properties': _SERVER_BASIC_PROPS}

_FLAVOR_EMBEDDED = {
    'type': 'object',
    'required': ['vcpus', 'ram', 'disk', 'ephemeral', 'swap',
                 'original_name', 'extra_specs'],
    'properties': {
        'vcpus': {'type': 'integer'}, 'ram': {'type': 'integer'},
        'disk': {'type': 'integer'}, 'ephemeral': {'type': 'integer'},
        'swap': {'type': 'integer'}, 'original_name': {'type': 'string'},
        'extra_specs': {'type': 'object',
                        'additionalProperties': {'type': 'string'}}},
}

#: One address of a server: ``OS-EXT-IPS:type`` and
#: ``OS-EXT-IPS-MAC:mac_addr`` in the server view, not in ``/ips``.
ADDRESS = {
    'type': 'object', 'required': ['version', 'addr'],
    'properties': {
        'version': {'type': 'integer', 'enum': [4, 6]},
        'addr': {'type': 'string'},
        'OS-EXT-IPS:type': {'type': 'string', 'enum': ['fixed',
                                                       'floating']},
        'OS-EXT-IPS-MAC:mac_addr': {'type': 'string'}}}

#: A server's addresses by network label.
ADDRESSES = {'type': 'object',
             'additionalProperties': {'type': 'array', 'items': ADDRESS}}

SERVER = {
    'type': 'object',
    'required': [
        'id', 'name', 'links', 'status', 'tenant_id', 'user_id', 'metadata',
        'hostId', 'image', 'flavor', 'created', 'updated', 'addresses',
        'accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig',
        'OS-EXT-AZ:availability_zone', 'config_drive', 'key_name',
        'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at',
        'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state',
        'OS-EXT-STS:power_state', 'os-extended-volumes:volumes_attached',
        'locked', 'locked_reason', 'description', 'tags',
        'trusted_image_certificates', 'OS-EXT-SRV-ATTR:hostname'],
    'properties': dict(
        _SERVER_BASIC_PROPS,
        status={'type': 'string', 'enum': [
            'ACTIVE', 'BUILD', 'DELETED', 'ERROR', 'HARD_REBOOT',
            'MIGRATING', 'PASSWORD', 'PAUSED', 'REBOOT', 'REBUILD',
            'RESCUE', 'RESIZE', 'REVERT_RESIZE', 'SHELVED',
            'SHELVED_OFFLOADED', 'SHUTOFF', 'SOFT_DELETED', 'SUSPENDED',
            'UNKNOWN', 'VERIFY_RESIZE']},
        tenant_id={'type': 'string'}, user_id={'type': 'string'},
        metadata={'type': 'object',
                  'additionalProperties': {'type': 'string'}},
        hostId={'type': 'string'},
        image={'oneOf': [{'type': 'string', 'maxLength': 0}, {
            'type': 'object', 'required': ['id', 'links'],
            'properties': {'id': {'type': 'string'}, 'links': LINKS,
                           # as Nova's system metadata: strings
                           'properties': {'type': 'object',
                                          'additionalProperties': {
                                              'type': ['string', 'null'],
                                              'maxLength': 255}}}}]},
        flavor=_FLAVOR_EMBEDDED,
        created={'type': 'string'}, updated={'type': 'string'},
        addresses=ADDRESSES,
        accessIPv4={'type': 'string'}, accessIPv6={'type': 'string'},
        config_drive={'type': 'string'},
        key_name=_STRING_OR_NULL,
        locked={'type': 'boolean'}, locked_reason=_STRING_OR_NULL,
        description=_STRING_OR_NULL,
        tags={'type': 'array', 'items': {'type': 'string'}},
        trusted_image_certificates={'type': ['array', 'null']},
        progress={'type': 'integer'},
        host_status={'type': 'string'},
        fault={'type': 'object', 'required': ['code', 'created', 'message'],
               'properties': {'code': {'type': 'integer'},
                              'created': {'type': 'string'},
                              'message': {'type': 'string'},
                              'details': {'type': 'string'}}},
        security_groups={'type': 'array', 'items': {'type': 'object'}},
        server_groups={'type': 'array', 'items': {'type': 'string'}},
        scheduler_hints={'type': 'object'},
        **{'OS-DCF:diskConfig': {'type': 'string',
                                 'enum': ['AUTO', 'MANUAL']},
           'OS-EXT-AZ:availability_zone': {'type': 'string'},
           'OS-SRV-USG:launched_at': _STRING_OR_NULL,
           'OS-SRV-USG:terminated_at': _STRING_OR_NULL,
           'OS-EXT-STS:task_state': _STRING_OR_NULL,
           'OS-EXT-STS:vm_state': {'type': 'string'},
           'OS-EXT-STS:power_state': {'type': 'integer'},
           'OS-EXT-SRV-ATTR:hostname': _STRING_OR_NULL,
           'os-extended-volumes:volumes_attached': {'type': 'array'}}),
}

FLAVOR_BASIC_PROPS = {'id': {'type': 'string'}, 'name': {'type': 'string'},
                      'links': LINKS, 'description': _STRING_OR_NULL}

FLAVOR_BASIC = {'type': 'object',
                'required': ['id', 'name', 'links', 'description'],
                'properties': FLAVOR_BASIC_PROPS}

FLAVOR = {
    'type': 'object',
    'required': ['id', 'name', 'links', 'description', 'ram', 'disk',
                 'vcpus', 'swap', 'rxtx_factor', 'OS-FLV-EXT-DATA:ephemeral',
                 'OS-FLV-DISABLED:disabled', 'os-flavor-access:is_public',
                 'extra_specs'],
    'properties': dict(
        FLAVOR_BASIC_PROPS,
        ram={'type': 'integer'}, disk={'type': 'integer'},
        vcpus={'type': 'integer'}, swap={'type': 'integer'},
        rxtx_factor={'type': 'number'},
        extra_specs={'type': 'object',
                     'additionalProperties': {'type': 'string'}},
        **{'OS-FLV-EXT-DATA:ephemeral': {'type': 'integer'},
           'OS-FLV-DISABLED:disabled': {'type': 'boolean'},
           'os-flavor-access:is_public': {'type': 'boolean'}}),
}

VERSION = {
    'type': 'object',
    'required': ['id', 'status', 'version', 'min_version', 'updated',
                 'links'],
    'properties': {
        'id': {'type': 'string'},
        'status': {'type': 'string',
                   'enum': ['CURRENT', 'SUPPORTED', 'DEPRECATED']},
        'version': {'type': 'string'}, 'min_version': {'type': 'string'},
        'updated': {'type': 'string'}, 'links': LINKS,
        'media-types': {'type': 'array', 'items': {'type': 'object'}}},
}

#: An entry of Nova's fixed ``/extensions`` list.
EXTENSION = {
    'type': 'object', 'additionalProperties': False,
    'required': ['alias', 'description', 'links', 'name', 'namespace',
                 'updated'],
    'properties': {
        'alias': {'type': 'string'}, 'description': {'type': 'string'},
        'links': {'type': 'array', 'maxItems': 0},
        'name': {'type': 'string'}, 'namespace': {'type': 'string'},
        'updated': {'type': 'string'}}}


def wrapped(key, schema, links_key=None):
    """``{key: schema}``, with an optional ``<links_key>`` of links."""
    properties = {key: schema}
    if links_key:
        properties[links_key] = LINKS
    return {'type': 'object', 'required': [key], 'properties': properties}


def listed(key, item):
    """``{key: [item, ...], key_links: [...]}``, as Nova's lists."""
    return wrapped(key, {'type': 'array', 'items': item}, key + '_links')


SERVER_CREATED = {'anyOf': [
    wrapped('server', {
        'type': 'object', 'required': ['id', 'links'],
        'properties': {'id': {'type': 'string', 'format': 'uuid'},
                       'links': LINKS, 'adminPass': {'type': 'string'},
                       'OS-DCF:diskConfig': {'type': 'string'},
                       'security_groups': {'type': 'array'}}}),
    wrapped('reservation_id', {'type': 'string'})]}

#: A body of bytes (image data), not JSON.
BINARY = {'type': 'string', 'format': 'binary'}

KEYPAIR = {
    'type': 'object',
    'required': ['name', 'public_key', 'fingerprint', 'user_id'],
    'properties': {
        'name': {'type': 'string'}, 'public_key': {'type': 'string'},
        'fingerprint': {'type': 'string'}, 'user_id': {'type': 'string'},
        'type': {'type': 'string', 'enum': ['ssh', 'x509']},
        'private_key': {'type': 'string'}}}

SERVER_GROUP = {
    'type': 'object',
    'required': ['id', 'name', 'policy', 'rules', 'members', 'project_id',
                 'user_id'],
    'properties': {
        'id': {'type': 'string', 'format': 'uuid'},
        'name': {'type': 'string'}, 'policy': {'type': 'string'},
        'rules': {'type': 'object'},
        'members': {'type': 'array', 'items': {'type': 'string'}},
        'project_id': {'type': 'string'}, 'user_id': {'type': 'string'}}}

#: Glance v2's image, as ``POST /image/v2/images`` and ``GET`` show it.
GLANCE_IMAGE = {
    'type': 'object',
    'required': ['id', 'status', 'visibility', 'protected', 'owner', 'tags',
                 'created_at', 'updated_at', 'self', 'file', 'schema'],
    'properties': {
        'id': {'type': 'string', 'format': 'uuid'},
        'name': _STRING_OR_NULL,
        'status': {'type': 'string'}, 'visibility': {'type': 'string'},
        'protected': {'type': 'boolean'}, 'owner': _STRING_OR_NULL,
        'tags': {'type': 'array', 'items': {'type': 'string'}},
        'size': {'type': ['integer', 'null']},
        'disk_format': _STRING_OR_NULL, 'container_format': _STRING_OR_NULL,
        'created_at': {'type': 'string'}, 'updated_at': {'type': 'string'},
        'self': {'type': 'string'}, 'file': {'type': 'string'},
        'schema': {'type': 'string'}}}

#: endpoint -> {status: schema of the JSON body, None for no body, or
#: BINARY}: the main successful answers. Other routes get an object.
SUCCESS = {
    'servers.index': {'200': listed('servers', SERVER_BASIC)},
    'servers.detail': {'200': listed('servers', SERVER)},
    'servers.show': {'200': wrapped('server', SERVER)},
    'servers.update': {'200': wrapped('server', SERVER)},
    'servers.create': {'202': SERVER_CREATED},
    'servers.delete': {'204': None},
    'server_actions.action': {'200': {'type': 'object'}, '202': None},
    'flavors.index': {'200': listed('flavors', FLAVOR_BASIC)},
    'flavors.detail': {'200': listed('flavors', FLAVOR)},
    'flavors.show': {'200': wrapped('flavor', FLAVOR)},
    'versions.versions': {'200': wrapped('versions', {
        'type': 'array', 'items': VERSION})},
    'versions.v21': {'200': wrapped('version', VERSION)},
    'versions.v20': {'200': wrapped('version', VERSION)},
    'extensions.index': {'200': listed('extensions', EXTENSION)},
    'extensions.show': {'200': wrapped('extension', EXTENSION)},
    'versions.image_versions': {'300': {
        'type': 'object', 'required': ['versions'],
        'properties': {'versions': {'type': 'array', 'items': {
            'type': 'object', 'required': ['id', 'status', 'links']}}}}},
    'glance.download_image': {'200': BINARY, '204': None},
    'images.download': {'200': BINARY, '204': None},
    'glance.upload_image': {'204': None},
    'images.upload': {'204': None},
    'glance.create_image': {'201': GLANCE_IMAGE},
    'glance.show_image': {'200': GLANCE_IMAGE},
    'glance.delete_image': {'204': None},
    'glance.show_image_tasks': {'200': {
        'type': 'object', 'required': ['tasks'],
        'properties': {'tasks': {'type': 'array'}}}},
    'keypairs.create': {'201': wrapped('keypair', KEYPAIR)},
    'keypairs.show': {'200': wrapped('keypair', KEYPAIR)},
    'keypairs.delete': {'204': None},
    'server_groups.create': {'200': wrapped('server_group', SERVER_GROUP)},
    'server_groups.show': {'200': wrapped('server_group', SERVER_GROUP)},
    'server_groups.delete': {'204': None},
    'flavors.create': {'200': wrapped('flavor', FLAVOR)},
    'flavors.delete': {'202': None},
    'server_tags.show': {'204': None},
    'server_tags.update': {'201': None, '204': None},
    'server_tags.delete': {'204': None},
    'server_tags.delete_all': {'204': None},
    'ips.index': {'200': wrapped('addresses', ADDRESSES)},
    'ips.show': {'200': dict(ADDRESSES, minProperties=1, maxProperties=1)},
}

_TIME_OR_NULL = {'type': ['string', 'null']}

_AGGREGATE_CREATED_PROPS = {
    'id': {'type': 'integer'}, 'uuid': {'type': 'string', 'format': 'uuid'},
    'name': {'type': 'string'}, 'availability_zone': _STRING_OR_NULL,
    'created_at': {'type': 'string'}, 'updated_at': _TIME_OR_NULL,
    'deleted_at': _TIME_OR_NULL, 'deleted': {'type': 'boolean'}}

AGGREGATE_CREATED = {
    'type': 'object',
    'required': ['id', 'name', 'availability_zone', 'created_at',
                 'updated_at', 'deleted_at', 'deleted'],
    'properties': _AGGREGATE_CREATED_PROPS}

AGGREGATE = {
    'type': 'object',
    'required': AGGREGATE_CREATED['required'] + ['hosts', 'metadata'],
    'properties': dict(
        _AGGREGATE_CREATED_PROPS,
        hosts={'type': 'array', 'items': {'type': 'string'}},
        metadata={'type': 'object',
                  'additionalProperties': {'type': 'string'}})}

AVAILABILITY_ZONES = wrapped('availabilityZoneInfo', {
    'type': 'array', 'items': {
        'type': 'object', 'required': ['zoneName', 'zoneState', 'hosts'],
        'properties': {
            'zoneName': {'type': 'string'},
            'zoneState': {'type': 'object', 'required': ['available'],
                          'properties': {'available': {'type': 'boolean'}}},
            'hosts': {'type': ['object', 'null'], 'additionalProperties': {
                'type': 'object', 'additionalProperties': {
                    'type': 'object',
                    'required': ['available', 'active', 'updated_at'],
                    'properties': {'available': {'type': 'boolean'},
                                   'active': {'type': 'boolean'},
                                   'updated_at': _TIME_OR_NULL}}}}}}})

SUCCESS.update({
    'aggregates.index': {'200': wrapped('aggregates', {
        'type': 'array', 'items': AGGREGATE})},
    'aggregates.create': {'200': wrapped('aggregate', AGGREGATE_CREATED)},
    'aggregates.show': {'200': wrapped('aggregate', AGGREGATE)},
    'aggregates.update': {'200': wrapped('aggregate', AGGREGATE)},
    'aggregates.action': {'200': wrapped('aggregate', AGGREGATE)},
    'aggregates.delete': {'200': None},
    'availability_zones.index': {'200': AVAILABILITY_ZONES},
    'availability_zones.detail': {'200': AVAILABILITY_ZONES},
})

_SERVER_USAGE = {
    'type': 'object',
    'required': ['ended_at', 'flavor', 'hours', 'instance_id', 'local_gb',
                 'memory_mb', 'name', 'started_at', 'state', 'tenant_id',
                 'uptime', 'vcpus'],
    'properties': {
        'ended_at': _TIME_OR_NULL, 'flavor': {'type': 'string'},
        'hours': {'type': 'number'}, 'instance_id': {'type': 'string'},
        'local_gb': {'type': 'integer'}, 'memory_mb': {'type': 'integer'},
        'name': {'type': 'string'}, 'started_at': {'type': 'string'},
        'state': {'type': 'string'}, 'tenant_id': {'type': 'string'},
        'uptime': {'type': 'integer'}, 'vcpus': {'type': 'integer'}}}

TENANT_USAGE = {
    'type': 'object',
    'required': ['start', 'stop', 'tenant_id', 'total_hours',
                 'total_local_gb_usage', 'total_memory_mb_usage',
                 'total_vcpus_usage'],
    'properties': {
        'server_usages': {'type': 'array', 'items': _SERVER_USAGE},
        'start': {'type': 'string'}, 'stop': {'type': 'string'},
        'tenant_id': {'type': 'string'},
        'total_hours': {'type': 'number'},
        'total_local_gb_usage': {'type': 'number'},
        'total_memory_mb_usage': {'type': 'number'},
        'total_vcpus_usage': {'type': 'number'}}}

SUCCESS.update({
    'simple_tenant_usage.index': {'200': listed('tenant_usages',
                                                TENANT_USAGE)},
    # An empty object for a project with no usage in the period.
    'simple_tenant_usage.show': {'200': wrapped('tenant_usage', {
        'anyOf': [TENANT_USAGE, {'type': 'object', 'maxProperties': 0}]},
        'tenant_usage_links')},
})

_HYPERVISOR_BASIC = {
    'type': 'object',
    'required': ['id', 'hypervisor_hostname', 'state', 'status'],
    'properties': {
        'id': {'type': ['integer', 'string']},
        'hypervisor_hostname': {'type': 'string'},
        'state': {'type': 'string', 'enum': ['up', 'down']},
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'uptime': _STRING_OR_NULL,
        'servers': {'type': 'array', 'items': {
            'type': 'object', 'required': ['name', 'uuid'],
            'properties': {'name': {'type': 'string'},
                           'uuid': {'type': 'string'}}}}}}

SUCCESS.update({
    'hypervisors.statistics': {'200': wrapped('hypervisor_statistics', {
        'type': 'object',
        'required': ['count', 'current_workload', 'disk_available_least',
                     'free_disk_gb', 'free_ram_mb', 'local_gb',
                     'local_gb_used', 'memory_mb', 'memory_mb_used',
                     'running_vms', 'vcpus', 'vcpus_used'],
        'additionalProperties': {'type': 'integer'}})},
    'hypervisors.uptime': {'200': wrapped('hypervisor', _HYPERVISOR_BASIC)},
    'hypervisors.search': {'200': wrapped('hypervisors', {
        'type': 'array', 'items': _HYPERVISOR_BASIC})},
    'hypervisors.servers': {'200': wrapped('hypervisors', {
        'type': 'array', 'items': _HYPERVISOR_BASIC})},
})

_INT_OR_NULL = {'type': ['integer', 'null']}

#: 2.48's standard diagnostics (before: a flat object of counters).
SERVER_DIAGNOSTICS = {
    'type': 'object',
    'required': ['state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime',
                 'config_drive', 'num_cpus', 'num_nics', 'num_disks',
                 'memory_details', 'cpu_details', 'nic_details',
                 'disk_details'],
    'properties': {
        'state': {'type': 'string'}, 'driver': {'type': 'string'},
        'hypervisor': _STRING_OR_NULL, 'hypervisor_os': _STRING_OR_NULL,
        'uptime': _INT_OR_NULL, 'config_drive': {'type': 'boolean'},
        'num_cpus': {'type': 'integer'}, 'num_nics': {'type': 'integer'},
        'num_disks': {'type': 'integer'},
        'memory_details': {'type': 'object', 'properties': {
            'maximum': _INT_OR_NULL, 'used': _INT_OR_NULL}},
        'cpu_details': {'type': 'array', 'items': {'type': 'object'}},
        'nic_details': {'type': 'array', 'items': {'type': 'object'}},
        'disk_details': {'type': 'array', 'items': {'type': 'object'}}}}

SUCCESS['server_diagnostics.show'] = {'200': SERVER_DIAGNOSTICS}

#: POST /os-server-external-events: every event accepted (200) or not (207).
SUCCESS['server_external_events.create'] = {
    '200': _see.RESPONSE, '207': _see.RESPONSE}
#: A console URL (2.6+): Nova's create_response of remote consoles.
SUCCESS['remote_consoles.create'] = {'200': wrapped('remote_console', {
    'type': 'object', 'required': ['protocol', 'type', 'url'],
    'additionalProperties': False,
    'properties': {'protocol': {'type': 'string'},
                   'type': {'type': 'string'},
                   'url': {'type': 'string', 'format': 'uri'}}})}

#: A port of ``os-interface``, as Tempest's ``interfaces`` schema: ``tag``
#: only since 2.70.
INTERFACE_ATTACHMENT = {
    'type': 'object',
    'required': ['net_id', 'port_id', 'mac_addr', 'port_state',
                 'fixed_ips'],
    'additionalProperties': False,
    'properties': {
        'net_id': {'type': 'string', 'format': 'uuid'},
        'port_id': {'type': 'string', 'format': 'uuid'},
        'mac_addr': {'type': 'string'},
        'port_state': {'type': 'string'},
        'fixed_ips': {'type': 'array', 'items': {
            'type': 'object', 'required': ['subnet_id', 'ip_address'],
            'additionalProperties': False,
            'properties': {'subnet_id': {'type': 'string',
                                         'format': 'uuid'},
                           'ip_address': {'type': 'string'}}}},
        'tag': _STRING_OR_NULL}}
SUCCESS.update({
    'interfaces.index': {'200': wrapped('interfaceAttachments', {
        'type': 'array', 'items': INTERFACE_ATTACHMENT})},
    'interfaces.show': {'200': wrapped('interfaceAttachment',
                                       INTERFACE_ATTACHMENT)},
    'interfaces.create': {'200': wrapped('interfaceAttachment',
                                         INTERFACE_ATTACHMENT)},
    'interfaces.delete': {'202': None},
})
