"""Schemas of ``/os-server-groups`` (Nova's): a one-item ``policies`` list
before 2.64 (soft policies from 2.15), ``policy`` and ``rules`` since."""
import copy
import functools

from nova_core.api.schemas import types

_HARD = ['anti-affinity', 'affinity']
_ALL = _HARD + ['soft-anti-affinity', 'soft-affinity']


def _create(properties, required):
    return {
        'type': 'object',
        'properties': {
            'server_group': {
                'type': 'object',
                'properties': dict(properties, name=types.name),
                'required': ['name'] + required,
                'additionalProperties': False,
            },
        },
        'required': ['server_group'],
        'additionalProperties': False,
    }


def _policies(names):
    return {'type': 'array',
            'items': [{'type': 'string', 'enum': list(names)}],
            'uniqueItems': True, 'minItems': 1, 'maxItems': 1,
            'additionalItems': False}


_POSITIVE = {'type': ['integer', 'string'], 'pattern': '^[0-9]*$',
             'minimum': 1, 'maximum': types.MAX_INT, 'minLength': 1}


@functools.lru_cache(maxsize=None)
def create(version):
    if version.matches('2.64'):
        return _create({
            'policy': {'type': 'string', 'enum': list(_ALL)},
            'rules': {'type': 'object',
                      'properties': {'max_server_per_host':
                                     copy.deepcopy(_POSITIVE)},
                      'additionalProperties': False},
        }, ['policy'])
    return _create({'policies': _policies(
        _ALL if version.matches('2.15') else _HARD)}, ['policies'])


_non_negative = types.query_limit
_LIST_QUERY = {
    'type': 'object',
    'properties': {
        'all_projects': types.query_any,
        'limit': _non_negative,
        'offset': _non_negative,
    },
    'additionalProperties': True,
}
#: 2.75 refuses query parameters it does not know.
_LIST_QUERY_275 = dict(_LIST_QUERY, additionalProperties=False)


def list_query(version):
    return _LIST_QUERY_275 if version.matches('2.75') else _LIST_QUERY
