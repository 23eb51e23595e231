"""Schemas of ``POST /os-server-external-events``, after Nova's: the event
names grow with the microversion (2.51 ``volume-extended``, 2.76
``power-update``, 2.82 ``accelerator-request-bound``, 2.93
``volume-reimaged``)."""
import copy

from nova_core.api.schemas import types

#: Every status an event may carry (Nova's EVENT_STATUSES).
STATUSES = ['failed', 'completed', 'in-progress']
#: Names accepted before 2.51.
BASE_NAMES = ['network-changed', 'network-vif-plugged',
              'network-vif-unplugged', 'network-vif-deleted']
#: (microversion, the name it adds).
ADDED_NAMES = (('2.51', 'volume-extended'), ('2.76', 'power-update'),
               ('2.82', 'accelerator-request-bound'),
               ('2.93', 'volume-reimaged'))
#: Events that mean nothing without a tag (the volume, the power state,
#: the accelerator request): refused one by one (code 400) without one.
TAG_REQUIRED = ('volume-extended', 'power-update',
                'accelerator-request-bound')

_EVENT = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'enum': BASE_NAMES},
        'server_uuid': types.uuid,
        'status': {'type': 'string', 'enum': STATUSES},
        'tag': {'type': 'string', 'maxLength': 255},
    },
    'required': ['name', 'server_uuid'],
    'additionalProperties': False,
}


def names(version):
    """The event names ``version`` accepts."""
    return BASE_NAMES + [name for since, name in ADDED_NAMES
                         if version.matches(since)]


def _body(event_names):
    event = copy.deepcopy(_EVENT)
    event['properties']['name']['enum'] = list(event_names)
    return {
        'type': 'object',
        'properties': {'events': {'type': 'array', 'minItems': 1,
                                  'items': event}},
        'required': ['events'],
        'additionalProperties': False,
    }


_CREATES = {}


def create(version):
    """The body of ``POST /os-server-external-events`` at ``version``."""
    key = tuple(names(version))
    if key not in _CREATES:
        _CREATES[key] = _body(key)
    return _CREATES[key]


def _response():
    event = copy.deepcopy(_EVENT)
    event['properties']['name']['enum'] = BASE_NAMES + [
        name for _, name in ADDED_NAMES]
    event['properties']['code'] = {'type': 'integer', 'minimum': 200,
                                   'maximum': 422,
                                   'enum': [200, 400, 404, 422]}
    event['required'] = ['code', 'name', 'server_uuid', 'status']
    return {'type': 'object', 'required': ['events'],
            'additionalProperties': False,
            'properties': {'events': {'type': 'array', 'items': event}}}


#: The answer (200 or 207), at the newest microversion.
RESPONSE = _response()
