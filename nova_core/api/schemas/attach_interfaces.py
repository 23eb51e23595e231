"""Request schemas of ``os-interface``, as Nova's (``tag`` since 2.49)."""
import copy
import functools

from nova_core.api.schemas import types
from nova_core.api.schemas.servers import SERVER_TAG

_CREATE = {
    'type': 'object',
    'properties': {
        'interfaceAttachment': {
            'type': 'object',
            'properties': {
                'net_id': types.uuid,
                'port_id': types.uuid,
                'fixed_ips': {
                    'type': 'array', 'minItems': 1, 'maxItems': 1,
                    'items': {
                        'type': 'object',
                        'properties': {
                            'ip_address': {
                                'type': 'string',
                                'oneOf': [{'format': 'ipv4'},
                                          {'format': 'ipv6'}]},
                        },
                        'required': ['ip_address'],
                        'additionalProperties': False,
                    },
                },
            },
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}


@functools.lru_cache(maxsize=None)
def create(version):
    schema = copy.deepcopy(_CREATE)
    if version.matches('2.49'):
        schema['properties']['interfaceAttachment']['properties'][
            'tag'] = SERVER_TAG
    return schema
