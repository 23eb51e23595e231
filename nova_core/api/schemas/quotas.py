"""Schemas of ``/os-quota-sets``, ``/os-quota-class-sets`` and ``/limits``,
after Nova's: limits are integers (or strings of digits) from -1 (unlimited)
up to the largest database integer."""
from nova_core.api.schemas import types

MAX_INT = types.MAX_INT

limit = {'type': ['integer', 'string'], 'pattern': '^-?[0-9]+$',
         'minimum': -1, 'maximum': MAX_INT}

#: Quotas of nova-network, gone from the API at 2.36 (and from quota
#: classes at 2.50).
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_groups',
                     'security_group_rules', 'networks')
#: Quotas of personality files, gone at 2.57.
INJECTED_RESOURCES = ('injected_files', 'injected_file_content_bytes',
                      'injected_file_path_bytes')
BASE_RESOURCES = ('instances', 'cores', 'ram', 'metadata_items', 'key_pairs',
                  'server_groups', 'server_group_members')


def settable(version):
    """The resources a PUT of ``os-quota-sets`` may name at ``version``."""
    names = list(BASE_RESOURCES)
    if not version.matches('2.57'):
        names += INJECTED_RESOURCES
    if not version.matches('2.36'):
        names += NETWORK_RESOURCES
    return names


def _update(key, names, extra=None):
    properties = dict.fromkeys(names, limit)
    properties.update(extra or {})
    return {
        'type': 'object',
        'properties': {key: {'type': 'object', 'properties': properties,
                             'additionalProperties': False}},
        'required': [key],
        'additionalProperties': False,
    }


_UPDATES = {}


def update(version):
    """The body of PUT /os-quota-sets/{project_id} at ``version``."""
    names = tuple(settable(version))
    if names not in _UPDATES:
        _UPDATES[names] = _update('quota_set', names,
                                  {'force': types.boolean})
    return _UPDATES[names]


def class_settable(version):
    """The resources a PUT of a quota class may name at ``version``: before
    2.50 all of os-quota-sets' v2.1 set, from 2.50 without the network
    ones, from 2.57 without injected files."""
    if not version.matches('2.50'):
        return list(BASE_RESOURCES + INJECTED_RESOURCES + NETWORK_RESOURCES)
    names = list(BASE_RESOURCES)
    if not version.matches('2.57'):
        names += INJECTED_RESOURCES
    return names


def class_update(version):
    """The body of PUT /os-quota-class-sets/{id} at ``version``."""
    names = ('class',) + tuple(class_settable(version))
    if names not in _UPDATES:
        _UPDATES[names] = _update('quota_class_set', names[1:])
    return _UPDATES[names]


#: ?user_id= of os-quota-sets; Nova ignores other parameters until 2.75.
#: A user id as stored: a string of up to 255 characters.
USER_ID = {'type': 'array', 'items': {'type': 'string', 'maxLength': 255}}
QUERY = {'type': 'object',
         'properties': {'user_id': USER_ID},
         'additionalProperties': True}
QUERY_V275 = dict(QUERY, additionalProperties=False)

#: ?tenant_id= of /limits (admins); unknown parameters are 400 from 2.75.
LIMITS_QUERY = {'type': 'object',
                'properties': {'tenant_id': types.query_any},
                'additionalProperties': True}
LIMITS_QUERY_V275 = dict(LIMITS_QUERY, additionalProperties=False)


def query(version):
    return QUERY_V275 if version.matches('2.75') else QUERY


def limits_query(version):
    return LIMITS_QUERY_V275 if version.matches('2.75') else LIMITS_QUERY

