"""Schemas of ``/servers``: create, update, list queries, actions.

Each is built for the request's microversion, as Nova's are selected by
version ranges, so a field outside its range is rejected as unknown.
"""
import copy
import functools

from nova_core.api.schemas import types

_NETWORK = {
    'type': 'object',
    'properties': {
        'fixed_ip': {'type': 'string', 'oneOf': [{'format': 'ipv4'},
                                                 {'format': 'ipv6'}]},
        'port': {'oneOf': [types.uuid, {'type': 'null'}]},
        'uuid': {'type': 'string'},
        'tag': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                'pattern': '^[^,/]*$'},
    },
    'additionalProperties': False,
}

_CREATE_BASE = {
    'name': types.name,
    'imageRef': {'type': 'string', 'oneOf': [{'format': 'uuid'},
                                             {'maxLength': 0}]},
    'flavorRef': types.flavor_ref,
    'adminPass': {'type': 'string', 'maxLength': 255},
    'metadata': types.metadata,
    'networks': {'type': 'array', 'items': _NETWORK},
    'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
    'accessIPv4': types.ipv4,
    'accessIPv6': types.ipv6,
    'personality': {'type': 'array', 'items': {
        'type': 'object', 'properties': {
            'path': {'type': 'string'},
            'contents': {'type': 'string', 'format': 'base64'}},
        'additionalProperties': False}},
    'availability_zone': {'type': 'string', 'minLength': 1,
                          'maxLength': 255},
    'block_device_mapping': {'type': 'array', 'items': {'type': 'object'}},
    'block_device_mapping_v2': {'type': 'array', 'items': {
        'type': 'object',
        'properties': {
            'source_type': {'type': 'string', 'enum': [
                'volume', 'image', 'snapshot', 'blank']},
            'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                     'pattern': '^[a-zA-Z0-9._-]*$'},
            'image_id': types.uuid,
            'destination_type': {'type': 'string',
                                 'enum': ['local', 'volume']},
            'guest_format': {'type': 'string', 'maxLength': 255},
            'device_type': {'type': 'string', 'maxLength': 255},
            'disk_bus': {'type': 'string', 'maxLength': 255},
            'boot_index': {'type': ['integer', 'string', 'null'],
                           'pattern': '^-?[0-9]+$',
                           'minimum': -types.MAX_INT,
                           'maximum': types.MAX_INT},
            'delete_on_termination': types.boolean,
            'volume_size': {'type': ['integer', 'string'],
                            'pattern': '^[0-9]+$', 'minimum': 1,
                            'maximum': types.MAX_INT},
            'device_name': {'type': 'string', 'minLength': 1,
                            'maxLength': 255},
            'no_device': {},
            'connection_info': {'type': 'string', 'maxLength': 16777215},
            'snapshot_id': types.uuid,
            'volume_id': types.uuid,
            'tag': {'type': 'string', 'minLength': 1, 'maxLength': 60,
                    'pattern': '^[^,/]*$'},
            'volume_type': {'type': ['string', 'null'], 'minLength': 0,
                            'maxLength': 255},
        },
        'additionalProperties': False}},
    'config_drive': types.boolean,
    'key_name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'min_count': types.positive_integer,
    'max_count': types.positive_integer,
    'return_reservation_id': types.boolean,
    'security_groups': {'type': 'array', 'items': {
        'type': 'object', 'properties': {'name': {
            'type': 'string', 'minLength': 1, 'maxLength': 255}},
        'additionalProperties': False}},
    'user_data': {'type': 'string', 'format': 'base64', 'maxLength': 65535},
}

_HINTS = {'type': 'object', 'properties': {
    'group': types.uuid,
    'same_host': {'oneOf': [types.uuid, {'type': 'array',
                                         'items': types.uuid}]},
    'different_host': {'oneOf': [types.uuid, {'type': 'array',
                                              'items': types.uuid}]},
}, 'additionalProperties': True}

SERVER_TAG = {'type': 'string', 'minLength': 1, 'maxLength': 60,
              'pattern': '^[^,/]*$'}


@functools.lru_cache(maxsize=None)
def create(version):
    props = copy.deepcopy(_CREATE_BASE)
    if version.matches('2.19'):
        props['description'] = types.description
    if version.matches('2.32'):
        props['networks']['items']['properties']['tag'] = SERVER_TAG
    else:
        del props['networks']['items']['properties']['tag']
    if version.matches('2.37'):
        props['networks'] = {'oneOf': [
            props['networks'],
            {'type': 'string', 'enum': ['none', 'auto']}]}
    if version.matches('2.52'):
        props['tags'] = {'type': 'array', 'items': SERVER_TAG,
                         'maxItems': 50}
    if version.matches('2.57'):
        del props['personality']
    if version.matches('2.63'):
        props['trusted_image_certificates'] = {
            'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
            'uniqueItems': True,
            'items': {'type': 'string', 'minLength': 1}}
    if version.matches('2.74'):
        props['host'] = types.hostname
        props['hypervisor_hostname'] = types.hostname
    if version.matches('2.90'):
        props['hostname'] = types.hostname
    required = ['name', 'flavorRef']
    if version.matches('2.37'):
        required.append('networks')
    return {
        'type': 'object',
        'properties': {
            'server': {'type': 'object', 'properties': props,
                       'required': required, 'additionalProperties': False},
            'os:scheduler_hints': _HINTS,
            'OS-SCH-HNT:scheduler_hints': _HINTS,
        },
        'required': ['server'],
        'additionalProperties': False,
    }


@functools.lru_cache(maxsize=None)
def update(version):
    props = {'name': types.name, 'accessIPv4': types.ipv4,
             'accessIPv6': types.ipv6,
             'OS-DCF:diskConfig': {'type': 'string',
                                   'enum': ['AUTO', 'MANUAL']}}
    if version.matches('2.19'):
        props['description'] = types.description
    if version.matches('2.90'):
        props['hostname'] = types.hostname
    return {
        'type': 'object',
        'properties': {'server': {'type': 'object', 'properties': props,
                                  'additionalProperties': False}},
        'required': ['server'],
        'additionalProperties': False,
    }


SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'auto_disk_config',
             'availability_zone', 'config_drive', 'created_at',
             'display_description', 'display_name', 'host', 'hostname',
             'image_ref', 'instance_type_id', 'kernel_id', 'key_name',
             'launch_index', 'launched_at', 'locked', 'locked_by', 'node',
             'power_state', 'progress', 'project_id', 'ramdisk_id',
             'root_device_name', 'task_state', 'terminated_at', 'updated_at',
             'user_id', 'uuid', 'vm_state']

_QUERY_PARAMS = (
    'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref',
    'image', 'kernel_id', 'ramdisk_id', 'hostname', 'key_name',
    'power_state', 'vm_state', 'task_state', 'host', 'node', 'flavor',
    'reservation_id', 'launched_at', 'terminated_at', 'availability_zone',
    'name', 'display_name', 'description', 'display_description',
    'locked_by', 'uuid', 'root_device_name', 'config_drive', 'access_ip_v4',
    'access_ip_v6', 'auto_disk_config', 'progress', 'all_tenants',
    'soft_deleted', 'deleted', 'status', 'changes-since', 'ip', 'ip6',
    'created_at', 'marker')


@functools.lru_cache(maxsize=None)
def list_query(version):
    props = {key: types.query_any for key in _QUERY_PARAMS}
    props.update(limit=types.query_limit, sort_dir=types.query_sort_dir,
                 sort_key=types.query_enum(SORT_KEYS))
    if version.matches('2.26'):
        for key in ('tags', 'tags-any', 'not-tags', 'not-tags-any'):
            props[key] = types.query_any
    if version.matches('2.66'):
        props['changes-before'] = types.query_any
    if version.matches('2.73'):
        props['locked'] = types.query_any
    return {'type': 'object', 'properties': props,
            # Nova rejects unknown query parameters from 2.75 on.
            'additionalProperties': not version.matches('2.75')}


REBOOT = {
    'type': 'object',
    'properties': {'reboot': {
        'type': 'object',
        'properties': {'type': {'type': 'string', 'enum': [
            'HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']}},
        'required': ['type'], 'additionalProperties': False}},
    'required': ['reboot'], 'additionalProperties': False,
}


def no_argument_action(name):
    """Actions whose value is null or an empty object (os-stop, pause...)."""
    return {
        'type': 'object',
        'properties': {name: {'oneOf': [
            {'type': 'null'},
            {'type': 'object', 'additionalProperties': False}]}},
        'required': [name], 'additionalProperties': False,
    }


CONSOLE_OUTPUT = {
    'type': 'object',
    'properties': {'os-getConsoleOutput': {
        'type': 'object',
        'properties': {'length': {
            'type': ['integer', 'string', 'null'],
            'pattern': '^-?[0-9]+$', 'minimum': -1,
            'maximum': types.MAX_INT}},
        'additionalProperties': False}},
    'required': ['os-getConsoleOutput'], 'additionalProperties': False,
}
