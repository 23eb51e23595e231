"""Building blocks of the schemas, after Nova's ``parameter_types``."""

name = {'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name'}

description = {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
               'pattern': r'^[^\x00-\x1f\x7f]*$'}

uuid = {'type': 'string', 'format': 'uuid'}

image_ref = {'type': 'string', 'format': 'uuid'}

flavor_ref = {'type': ['string', 'integer'], 'minLength': 1}

positive_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 1,
    'minLength': 1}

non_negative_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 0,
    'minLength': 1}

boolean = {'type': ['boolean', 'string'],
           'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
                    'YES', 'Yes', 'yes', 'y', 't',
                    False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off',
                    'off', 'NO', 'No', 'no', 'n', 'f']}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

hostname = {'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': '^[a-zA-Z0-9-._]*$'}

ipv4 = {'type': 'string', 'format': 'ipv4'}
ipv6 = {'type': 'string', 'format': 'ipv6'}

# Query strings: every parameter arrives as a list of strings.
query_limit = {'type': 'array', 'items': {'type': 'string',
                                          'pattern': '^[0-9]*$'}}
query_any = {'type': 'array', 'items': {'type': 'string'}}
query_sort_dir = {'type': 'array',
                  'items': {'type': 'string', 'enum': ['asc', 'desc']}}


def query_enum(values):
    return {'type': 'array', 'items': {'type': 'string', 'enum': values}}


def true_strings():
    return {'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes',
            'yes', 'y', 't'}


def as_bool(value):
    """A boolean from JSON, or from the strings ``boolean`` admits."""
    return value if isinstance(value, bool) else value in true_strings()
