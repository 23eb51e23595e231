"""The class of cheap 500s stays closed: every integer any request schema
takes is bounded, strings of digits are checked as numbers, JSON nesting
is bounded before parsing, and query integers are ASCII and in range."""
import importlib
import inspect
import pkgutil
import re

import flask
import pytest

from nova_core import exception
from nova_core.api import microversion, validation
from nova_core.api import schemas as schemas_pkg
from nova_core.api.actions import ACTIONS
from nova_core.api.schemas import types

VERSIONS = [microversion.APIVersion(2, minor) for minor in range(1, 101)]
_DIGITS = ('[0-9]', r'\d')


def _from_modules():
    """Every schema in nova_core.api.schemas.*: module-level dicts and the
    schemas of functions of the microversion."""
    for info in pkgutil.iter_modules(schemas_pkg.__path__):
        module = importlib.import_module('nova_core.api.schemas.' +
                                         info.name)
        if info.name == 'responses':
            continue  # what the API answers, not what it takes
        for name, value in vars(module).items():
            if isinstance(value, dict):
                yield '%s.%s' % (info.name, name), value
            elif callable(value) and not isinstance(value, type) and \
                    list(inspect.signature(value).parameters) == ['version']:
                for version in VERSIONS:
                    yield '%s.%s(%s)' % (info.name, name, version), \
                        value(version)


def _from_actions():
    for key, action in ACTIONS.items():
        for version in VERSIONS:
            schema = action.schema(version) if callable(action.schema) \
                else action.schema
            yield 'action %s (%s)' % (key, version), schema


def _from_views():
    from nova_core.api.blueprints import hypervisors, instance_actions
    for module in (hypervisors, instance_actions):
        for name, view in vars(module).items():
            declared = getattr(view, 'request_schemas', None)
            for kind in ('body', 'query'):
                value = (declared or {}).get(kind)
                for version in VERSIONS:
                    schema = value(version) if callable(value) else value
                    if schema is not None:
                        yield '%s.%s %s' % (module.__name__, name,
                                            kind), schema


def _nodes(schema, path=''):
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            yield from _nodes(value, '%s/%s' % (path, key))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _nodes(value, '%s/%d' % (path, index))


def _numeric(node):
    kinds = node.get('type')
    if not isinstance(kinds, (str, list)):
        return False  # a property named "type"
    kinds = kinds if isinstance(kinds, list) else [kinds]
    pattern = node.get('pattern')
    return bool({'integer', 'number'} & set(kinds)) or (
        isinstance(pattern, str) and pattern.startswith('^') and
        any(d in pattern for d in _DIGITS) and 'string' in kinds and
        not pattern.startswith('^[a-zA-Z'))


def _unbounded():
    seen, found = set(), []
    for source in (_from_modules, _from_actions, _from_views):
        for name, schema in source():
            for path, node in _nodes(schema):
                if id(node) in seen or not _numeric(node):
                    continue
                seen.add(id(node))
                if node is types.query_digits['items']:
                    continue  # compared unconverted (see flavors' minRam)
                if 'maximum' not in node:
                    found.append(re.sub(r'\(2\.\d+\)', '', name) + path)
    return sorted(set(found))


def test_the_walk_sees_integer_schemas():
    names = [name for name, _ in _from_modules()]
    assert 'types.positive_integer' in names
    assert any(name.startswith('servers.create(') for name in names)


def test_every_integer_a_request_takes_is_bounded():
    assert _unbounded() == []


CHECKED = {'type': 'object', 'properties': {'n': types.positive_integer}}


@pytest.mark.parametrize('value,words', [
    ('9' * 5000, 'is greater than the maximum of 2147483647'),
    ('2147483648', 'is greater than the maximum of 2147483647'),
    (2 ** 31, 'is greater than the maximum of 2147483647'),
    ('0', "does not match '^0*[1-9][0-9]*$'"),
    ('000', "does not match '^0*[1-9][0-9]*$'"),
    (0, 'is less than the minimum of 1'),
    ('²', "does not match '^0*[1-9][0-9]*$'"),
    ('-1', "does not match '^0*[1-9][0-9]*$'"),
], ids=['huge', 'over', 'over-int', 'zero', 'zeros', 'zero-int',
     'superscript', 'negative'])
def test_strings_of_digits_are_checked_as_numbers(value, words):
    with pytest.raises(exception.ValidationError) as caught:
        validation.check(CHECKED, {'n': value})
    assert words in caught.value.format_message()


@pytest.mark.parametrize('value', ['1', '2147483647', 7])
def test_numbers_in_range_pass(value):
    validation.check(CHECKED, {'n': value})


@pytest.mark.parametrize('value,expected', [
    ('0', 0), ('2147483647', 2147483647), (' 12 ', 12)])
def test_to_int(value, expected):
    assert validation.to_int(value, 'limit') == expected


@pytest.mark.parametrize('value,words', [
    ('²', 'is not an integer'), ('١٢', 'is not an integer'),
    ('1_000', 'is not an integer'), ('9' * 5000, 'greater than the max'),
    ('-1', 'less than the minimum of 0'), ('', 'is not an integer')],
    ids=['superscript', 'arabic-indic', 'underscore', 'huge', 'negative',
         'empty'])
def test_to_int_refuses(value, words):
    with pytest.raises(exception.ValidationError) as caught:
        validation.to_int(value, 'limit')
    message = caught.value.format_message()
    assert words in message and 'query parameters limit' in message
    assert len(message) < 600


@pytest.mark.parametrize('data,deep', [
    (b'[' * 33 + b']' * 33, True),
    (b'[' * 32 + b']' * 32, False),
    (b'{"a": "' + b'[' * 5000 + b'"}', False),   # brackets in a string
    (b'{"a": "\\"' + b'[' * 5000 + b'"}', False),  # after an escape
    (b'{"a":' * 990 + b'1' + b'}' * 990, True),
    (b'"\\"' * 50000, False),  # unterminated strings: still linear
], ids=['33', '32', 'in-string', 'after-escape', '990', 'unterminated'])
def test_too_deep(data, deep):
    assert validation.too_deep(data) is deep


def test_deep_body_is_malformed_before_parsing():
    app = flask.Flask(__name__)
    data = b'{"a":' * 990 + b'1' + b'}' * 990
    with app.test_request_context('/', method='POST', data=data,
                                  content_type='application/json'):
        with pytest.raises(exception.ValidationError) as caught:
            validation.body({'type': 'object'})
    assert caught.value.format_message().startswith('Malformed request body')


@pytest.mark.parametrize('content_type,status', [
    ('application/xml', 415), ('application/x-www-form-urlencoded', 415),
    ('text/plain', None), ('application/json', None),
    ('application/vnd.openstack.compute+json', None)])
def test_json_body_content_types(content_type, status):
    app = flask.Flask(__name__)
    with app.test_request_context('/', method='POST', data=b'{"a": 1}',
                                  content_type=content_type):
        if status is None:
            assert validation.body({'type': 'object'}) == {'a': 1}
            return
        with pytest.raises(exception.UnsupportedMediaType) as caught:
            validation.body({'type': 'object'})
    assert (caught.value.code, caught.value.format_message()) == (
        415, 'Unsupported Content-Type')


def test_bounded_list():
    assert validation.bounded_list('a,,b', 'tags', 2) == ['a', 'b']
    with pytest.raises(exception.ValidationError):
        validation.bounded_list(','.join(['t'] * 3), 'tags', 2)
    with pytest.raises(exception.ValidationError):
        validation.bounded_list('x' * 61, 'tags', 2, 60)


@pytest.mark.parametrize('header,error', [
    ('2.99999999999999999999', exception.MicroversionNotAcceptable),
    ('2.' + '9' * 5000, exception.MicroversionNotAcceptable),
    ('9' * 5000 + '.1', exception.MicroversionNotAcceptable),
    ('2.²', exception.InvalidMicroversion),
], ids=['long-minor', 'huge-minor', 'huge-major', 'superscript'])
def test_microversion_bounded(header, error):
    with pytest.raises(error) as caught:
        microversion.requested({microversion.HEADER: 'compute ' + header})
    assert len(caught.value.format_message()) < 200
