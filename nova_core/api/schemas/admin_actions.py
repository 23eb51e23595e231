"""Schema of the ``os-resetState`` server action."""

RESET_STATE = {
    'type': 'object',
    'properties': {
        'os-resetState': {
            'type': 'object',
            'properties': {
                'state': {'type': 'string', 'enum': ['active', 'error']},
            },
            'required': ['state'],
            'additionalProperties': False,
        },
    },
    'required': ['os-resetState'],
    'additionalProperties': False,
}
