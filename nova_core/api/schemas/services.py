"""Schemas of ``/os-services``."""
from nova_core.api.schemas import types

_REASON = {'type': 'string', 'minLength': 1, 'maxLength': 255,
           'pattern': r'^[^\x00-\x1f\x7f]*$'}

#: PUT /os-services/{uuid}, 2.53 and later.
UPDATE = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': _REASON,
        'forced_down': types.boolean,
    },
    'additionalProperties': False,
}

_HOST_BINARY = {'host': {'type': 'string', 'minLength': 1,
                         'maxLength': 255},
                'binary': {'type': 'string', 'minLength': 1,
                           'maxLength': 255}}

def update(version):
    """The body of PUT /os-services/{id}: by uuid from 2.53; before, the
    path names an action and :data:`LEGACY` has its schema."""
    return UPDATE if version.matches('2.53') else None


#: PUT /os-services/{action} before 2.53, by action.
LEGACY = {
    'enable': {'type': 'object', 'properties': _HOST_BINARY,
               'required': ['host', 'binary'],
               'additionalProperties': False},
    'disable': {'type': 'object', 'properties': _HOST_BINARY,
                'required': ['host', 'binary'],
                'additionalProperties': False},
    'disable-log-reason': {
        'type': 'object',
        'properties': dict(_HOST_BINARY, disabled_reason=_REASON),
        'required': ['host', 'binary', 'disabled_reason'],
        'additionalProperties': False},
    'force-down': {
        'type': 'object',
        'properties': dict(_HOST_BINARY, forced_down=types.boolean),
        'required': ['host', 'binary', 'forced_down'],
        'additionalProperties': False},
}
