"""Schemas of ``restore`` and ``forceDelete``: Nova reads nothing from
their value, so any value is taken (clients send ``null``)."""


def _any_value(name):
    return {'type': 'object', 'properties': {name: {}}, 'required': [name],
            'additionalProperties': False}


RESTORE = _any_value('restore')
FORCE_DELETE = _any_value('forceDelete')
