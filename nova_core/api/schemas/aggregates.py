"""Schemas of ``/os-aggregates``, after Nova's."""
from nova_core.api.schemas import types

#: Nova's ``az_name``: no colon (``zone:host`` means a host).
_ZONE = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'format': 'name', 'pattern': '^[^:]*$'}
_ZONE_OR_NULL = {'oneOf': [_ZONE, {'type': 'null'}]}

create = {
    'type': 'object',
    'properties': {'aggregate': {
        'type': 'object',
        'properties': {'name': types.name,
                       'availability_zone': _ZONE_OR_NULL},
        'required': ['name'],
        'additionalProperties': False}},
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {'aggregate': {
        'type': 'object',
        'properties': {'name': types.name,
                       'availability_zone': _ZONE_OR_NULL},
        'additionalProperties': False,
        'anyOf': [{'required': ['name']},
                  {'required': ['availability_zone']}]}},
    'required': ['aggregate'],
    'additionalProperties': False,
}


def _host_action(name):
    return {
        'type': 'object',
        'properties': {name: {
            'type': 'object',
            'properties': {'host': types.hostname},
            'required': ['host'], 'additionalProperties': False}},
        'required': [name], 'additionalProperties': False}


set_metadata = {
    'type': 'object',
    'properties': {'set_metadata': {
        'type': 'object',
        'properties': {'metadata': {
            'type': 'object',
            'patternProperties': {'^[a-zA-Z0-9-_:. ]{1,255}$': {
                'type': ['string', 'null'], 'maxLength': 255}},
            'additionalProperties': False}},
        'required': ['metadata'], 'additionalProperties': False}},
    'required': ['set_metadata'], 'additionalProperties': False,
}

#: POST /os-aggregates/{id}/action, by action.
ACTIONS = {'add_host': _host_action('add_host'),
           'remove_host': _host_action('remove_host'),
           'set_metadata': set_metadata}

action = {'oneOf': list(ACTIONS.values())}
