"""Schemas of the ``lock`` and ``unlock`` server actions.

Before 2.73 Nova reads nothing from either body, so any value is taken
(clients send ``null``); from 2.73 ``lock`` may carry a ``locked_reason``.
"""

LOCK = {
    'type': 'object',
    'properties': {'lock': {}},
    'required': ['lock'],
    'additionalProperties': False,
}

LOCK_V2_73 = {
    'type': 'object',
    'properties': {
        'lock': {
            'type': ['object', 'null'],
            'properties': {
                'locked_reason': {'type': 'string', 'minLength': 1,
                                  'maxLength': 255},
            },
            'additionalProperties': False,
        },
    },
    'required': ['lock'],
    'additionalProperties': False,
}

UNLOCK = {
    'type': 'object',
    'properties': {'unlock': {}},
    'required': ['unlock'],
    'additionalProperties': False,
}


def lock(version):
    return LOCK_V2_73 if version.matches('2.73') else LOCK
