"""Schemas of the API's responses, for the OpenAPI document.

They describe the newest microversion (2.100). Fields that appear only for
admins, or only in some states, are not required; every object admits
more properties than it names, as clients must tolerate additions.
"""
from nova_core.api import errors

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
                           'properties': {'type': 'object'}}}]},
        flavor=_FLAVOR_EMBEDDED,
        created={'type': 'string'}, updated={'type': 'string'},
        addresses={'type': 'object'},
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
    'glance.download_image': {'200': BINARY, '204': None},
    'images.download': {'200': BINARY, '204': None},
    'glance.upload_image': {'204': None},
    'images.upload': {'204': None},
}
