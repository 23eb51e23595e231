"""Building blocks of the schemas, after Nova's ``parameter_types``.

Every integer a schema takes, as a JSON number or a string of digits, has
a ``minimum`` and a ``maximum`` (:mod:`nova_core.api.validation` applies
them to strings too): nothing out of a column's range gets further.
"""

#: The largest integer an INTEGER column holds on every supported database.
MAX_INT = 0x7FFFFFFF

name = {'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name'}

description = {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
               'pattern': r'^[^\x00-\x1f\x7f]*$'}

uuid = {'type': 'string', 'format': 'uuid'}

image_ref = {'type': 'string', 'format': 'uuid'}

flavor_ref = {'type': ['string', 'integer'], 'minLength': 1,
              'maximum': MAX_INT}

#: As a string never zero (its range is checked as it is read).
positive_integer = {
    'type': ['integer', 'string'], 'pattern': '^0*[1-9][0-9]*$',
    'minimum': 1,
    'maximum': MAX_INT, 'minLength': 1}

non_negative_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 0,
    'maximum': MAX_INT, 'minLength': 1}

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


def query_int(maximum=MAX_INT):
    return {'type': 'array', 'items': {'type': 'string',
                                       'pattern': '^[0-9]*$',
                                       'maximum': maximum}}


query_limit = query_int()
#: Digits of any length, for a bound past which a filter matches nothing
#: (the code compares without converting, see flavors' ``minRam``).
query_digits = {'type': 'array', 'items': {'type': 'string',
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
