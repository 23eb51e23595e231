"""Schemas of the image registry (Glance v2 requests) and the image proxy."""
from nova_core.api.schemas import types

DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop']
CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed']
VISIBILITIES = ['public', 'private', 'shared', 'community']
#: The largest integer the registry's columns hold everywhere.
MAX_INT = types.MAX_INT

#: Attributes the registry sets itself; a request naming one gets 403.
READ_ONLY = ('status', 'size', 'virtual_size', 'checksum', 'os_hash_algo',
             'os_hash_value', 'created_at', 'updated_at', 'self', 'file',
             'schema', 'locations', 'direct_url', 'deleted', 'deleted_at')

_SETTABLE = {
    'name': {'type': ['string', 'null'], 'maxLength': 255},
    'visibility': {'type': 'string', 'enum': VISIBILITIES},
    'protected': {'type': 'boolean'},
    'disk_format': {'type': ['string', 'null'],
                    'enum': DISK_FORMATS + [None]},
    'container_format': {'type': ['string', 'null'],
                         'enum': CONTAINER_FORMATS + [None]},
    'min_ram': {'type': 'integer', 'minimum': 0, 'maximum': MAX_INT},
    'min_disk': {'type': 'integer', 'minimum': 0, 'maximum': MAX_INT},
    'tags': {'type': 'array', 'maxItems': 128, 'uniqueItems': True,
             'items': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
    'os_hidden': {'type': 'boolean'},
    # Never null nor empty: an image without owner would be no one's.
    'owner': {'type': 'string', 'minLength': 1, 'maxLength': 255},
}

#: Custom properties: short string keys and values, as Glance stores them.
PROPERTY = {'type': 'string', 'maxLength': 255}

CREATE = {
    'type': 'object',
    'properties': dict(_SETTABLE, id=types.uuid),
    'additionalProperties': PROPERTY,
}

SETTABLE = _SETTABLE

PATCH = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'op': {'type': 'string', 'enum': ['add', 'replace', 'remove']},
            'path': {'type': 'string', 'pattern': '^/[^/]+$'},
            'value': {},
        },
        'required': ['op', 'path'],
        'additionalProperties': False,
    },
}

GLANCE_LIST_QUERY = {
    'type': 'object',
    'properties': {
        'limit': types.query_limit,
        'marker': types.query_any,
        'sort_key': types.query_any,
        'sort_dir': types.query_sort_dir,
        'sort': types.query_any,
        'name': types.query_any, 'status': types.query_any,
        'visibility': types.query_any, 'owner': types.query_any,
        'id': types.query_any, 'disk_format': types.query_any,
        'container_format': types.query_any, 'tag': types.query_any,
        'size_min': types.query_int(2 ** 63 - 1),
        'size_max': types.query_int(2 ** 63 - 1),
        'protected': types.query_any, 'os_hidden': types.query_any,
        'member_status': types.query_any,
    },
    'additionalProperties': True,
}

PROXY_LIST_QUERY = {
    'type': 'object',
    'properties': {
        'limit': types.query_limit, 'marker': types.query_any,
        'name': types.query_any, 'status': types.query_any,
        'minRam': types.query_limit, 'minDisk': types.query_limit,
        'changes-since': types.query_any, 'server': types.query_any,
        'type': types.query_any,
    },
    'additionalProperties': True,
}
