"""Schemas of ``/flavors``, its access list and its extra specs (Nova's)."""
import copy
import functools

from nova_core.api.schemas import types

#: API sort key -> column.
SORT_COLUMNS = {
    'flavorid': 'flavorid', 'id': 'flavorid', 'name': 'name',
    'memory_mb': 'memory_mb', 'vcpus': 'vcpus', 'root_gb': 'root_gb',
    'ephemeral_gb': 'ephemeral_gb', 'swap': 'swap',
    'rxtx_factor': 'rxtx_factor', 'is_public': 'is_public',
    'disabled': 'disabled', 'created_at': 'created_at',
    'description': 'description',
}

_LIST_QUERY = {
    'type': 'object',
    'properties': {
        'sort_key': types.query_enum(sorted(SORT_COLUMNS)),
        'sort_dir': types.query_sort_dir,
        'limit': types.query_limit,
        'marker': types.query_any,
        'is_public': types.query_any,
        'minRam': types.query_digits,
        'minDisk': types.query_digits,
    },
    'additionalProperties': True,
}
LIST_QUERY = _LIST_QUERY
#: 2.75 refuses query parameters it does not know.
LIST_QUERY_275 = dict(_LIST_QUERY, additionalProperties=False)


def list_query(version):
    return LIST_QUERY_275 if version.matches('2.75') else LIST_QUERY


MAX_INT = types.MAX_INT
#: The largest number whose digits fit a 255-character column.
NUMBER_IN_STRING = 1e250

_positive = {'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
             'minimum': 1, 'maximum': MAX_INT}
_non_negative = dict(_positive, minimum=0)

_CREATE = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'id': {'type': ['string', 'number', 'null'],
                       'minLength': 1, 'maxLength': 255,
                       # a number's digits fit the 255 of flavorid
                       'minimum': -NUMBER_IN_STRING,
                       'maximum': NUMBER_IN_STRING,
                       'pattern': '^(?! )[a-zA-Z0-9. _-]+(?<! )$'},
                'ram': _positive,
                'vcpus': _positive,
                'disk': _non_negative,
                'OS-FLV-EXT-DATA:ephemeral': _non_negative,
                'swap': _non_negative,
                'rxtx_factor': {'type': ['number', 'string'],
                                'pattern': r'^[0-9]+(\.[0-9]+)?$',
                                'minimum': 0, 'exclusiveMinimum': True,
                                'maximum': 3.40282e+38},
                'os-flavor-access:is_public': types.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

#: 2.55: a description, up to a TEXT column's 64 KiB.
DESCRIPTION = {'type': ['string', 'null'], 'minLength': 0,
               'maxLength': 65535, 'pattern': r'^[^\x00-\x1f\x7f]*$'}


@functools.lru_cache(maxsize=None)
def create(version):
    schema = copy.deepcopy(_CREATE)
    if version.matches('2.55'):
        schema['properties']['flavor']['properties'][
            'description'] = DESCRIPTION
    return schema


def update(version):
    """2.55 added ``PUT /flavors/{id}``; before, the route takes nothing."""
    return UPDATE if version.matches('2.55') else None


UPDATE = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': DESCRIPTION},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}


def _tenant_action(name):
    return {
        'type': 'object',
        'properties': {name: {
            'type': 'object',
            'properties': {'tenant': {'type': 'string', 'minLength': 1,
                                      'maxLength': 255}},
            'required': ['tenant'],
            'additionalProperties': False,
        }},
        'required': [name],
        'additionalProperties': False,
    }


ADD_TENANT_ACCESS = _tenant_action('addTenantAccess')
REMOVE_TENANT_ACCESS = _tenant_action('removeTenantAccess')

#: Extra specs: Nova's metadata, whose values may also be numbers.
EXTRA_SPEC_KEY = '^[a-zA-Z0-9-_:. ]{1,255}$'
_SPECS = {
    'type': 'object',
    'patternProperties': {EXTRA_SPEC_KEY: {
        'type': ['string', 'number'], 'maxLength': 255,
        'minimum': -NUMBER_IN_STRING, 'maximum': NUMBER_IN_STRING}},
    'additionalProperties': False,
}
EXTRA_SPECS_CREATE = {
    'type': 'object',
    'properties': {'extra_specs': _SPECS},
    'required': ['extra_specs'],
    'additionalProperties': False,
}
EXTRA_SPECS_UPDATE = dict(_SPECS, minProperties=1, maxProperties=1)
