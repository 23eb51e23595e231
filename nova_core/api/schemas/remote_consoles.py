"""Bodies of ``POST /servers/{id}/remote-consoles`` (2.6+) and of the
console actions before it, with Nova's enums per microversion (kinds
nova-core never serves are accepted here and refused further on, with
Nova's answers)."""

PROTOCOLS = ['vnc', 'spice', 'serial', 'rdp']
TYPES = ['novnc', 'xvpvnc', 'spice-html5', 'serial', 'rdp-html5']


def create(version):
    protocols, types = list(PROTOCOLS), list(TYPES)
    if version.matches('2.8'):
        protocols.append('mks')
        types.append('webmks')
    if version.matches('2.99'):
        types.append('spice-direct')
    return {
        'type': 'object',
        'properties': {'remote_console': {
            'type': 'object',
            'properties': {
                'protocol': {'type': 'string', 'enum': protocols},
                'type': {'type': 'string', 'enum': types}},
            'required': ['protocol', 'type'],
            'additionalProperties': False}},
        'required': ['remote_console'], 'additionalProperties': False,
    }


def action(name, types):
    """The body of the console action ``name`` (before 2.6)."""
    return {
        'type': 'object',
        'properties': {name: {
            'type': 'object',
            'properties': {'type': {'type': 'string', 'enum': types}},
            'required': ['type'], 'additionalProperties': False}},
        'required': [name], 'additionalProperties': False,
    }
