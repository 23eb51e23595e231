"""Checking request bodies and query strings against JSON Schemas.

Messages follow Nova's: ``Invalid input for field/attribute name. Value:
 x. 'x' is too long``. A body that is not a JSON object, or not JSON at
all, is a 400 too.

Nothing a client sends may cost more than its checking: bodies are parsed
only up to :data:`MAX_JSON_DEPTH` levels of nesting; ``minimum`` and
``maximum`` bound the strings of digits schemas accept for integers as
they bound integers (so no integer reaches ``int()`` or the database out
of range); integers in query strings are ASCII digits within a column's
range (:func:`to_int`); lists in query strings are bounded.
"""
import base64
import binascii
import json
import re
import uuid

import flask
import jsonschema
from jsonschema import exceptions as js_exc

from nova_core import exception
from nova_core.api.schemas.types import MAX_INT

FORMATS = jsonschema.FormatChecker()

#: Nesting deeper than this is no request nova-core serves (its deepest,
#: a block device mapping, nests 4 levels); it is refused before parsing,
#: so that no recursion in parsing or checking can overflow.
MAX_JSON_DEPTH = 32
INTEGER_TEXT = re.compile(r'\s*(-?)([0-9]+)\s*', re.ASCII)
#: Digits beyond which a number is out of any range checked here.
_MAX_DIGITS = 18
#: A JSON string (to skip: its brackets do not nest), or a bracket. An
#: unterminated string runs to the end, so no match fails and backtracks.
_JSON_TOKENS = re.compile(rb'"(?>(?:[^"\\]|\\.?)*)(?:"|\Z)|[\[\]{}]',
                          re.DOTALL)


@FORMATS.checks('uuid', raises=(ValueError, TypeError, AttributeError))
def _is_uuid(value):
    if not isinstance(value, str):
        return True
    return str(uuid.UUID(value)) == value.lower()


_NAME_RE = re.compile(r'^(?![\s])[\S\s]*(?<![\s])$')


@FORMATS.checks('name')
def _is_name(value):
    """Printable characters, not starting or ending with whitespace."""
    if not isinstance(value, str):
        return True
    return bool(_NAME_RE.match(value)) and value.isprintable()


@FORMATS.checks('base64', raises=(binascii.Error, ValueError))
def _is_base64(value):
    if not isinstance(value, str):
        return True
    base64.b64decode(value, validate=True)
    return True


def _message(error):
    if error.validator == 'format' and error.validator_value == 'name':
        reason = ("An invalid 'name' value was provided. The name must be: "
                  "printable characters. Can not start or end with "
                  "whitespace.")
    elif error.validator == 'format':
        reason = "'%s' is not a '%s'" % (error.instance,
                                         error.validator_value)
    else:
        reason = error.message
    names = [p for p in error.absolute_path if isinstance(p, str)]
    if names:
        return ('Invalid input for field/attribute %s. Value: %s. %s'
                % (names[-1], _short(error.instance), reason))
    return reason


def _short(value):
    text = str(value)
    return text if len(text) <= 200 else text[:200] + '...'


def text_integer(instance):
    """The integer a string of ASCII digits names, or None for any other
    string; numbers too long to matter are infinite, never converted."""
    match = INTEGER_TEXT.fullmatch(instance)
    if match is None:
        return None
    sign, digits = match.groups()
    value = (float('inf') if len(digits.lstrip('0')) > _MAX_DIGITS
             else int(digits))
    return -value if sign else value


def _bound(keyword, beyond, relation):
    number_check = jsonschema.Draft4Validator.VALIDATORS[keyword]

    def check(validator, bound, instance, schema):
        if not isinstance(instance, str):
            yield from number_check(validator, bound, instance, schema)
            return
        value = text_integer(instance)
        if value is not None and beyond(value, bound):
            yield js_exc.ValidationError("'%s' is %s of %r" % (
                _short(instance), relation, bound))
    return check


#: Draft 4, with ``minimum``/``maximum`` applying to strings of digits too
#: (Nova's schemas take integers as JSON numbers or as strings).
_Validator = jsonschema.validators.extend(jsonschema.Draft4Validator, {
    'minimum': _bound('minimum', lambda v, b: v < b,
                      'less than the minimum'),
    'maximum': _bound('maximum', lambda v, b: v > b,
                      'greater than the maximum'),
})

_VALIDATORS = {}


def _validator(schema):
    """A compiled validator per schema object (schemas are built once)."""
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, _Validator(schema, format_checker=FORMATS))
        _VALIDATORS[id(schema)] = cached
    return cached[1]


def _lone_surrogate(value):
    """The first string in ``value`` (keys included) that JSON allows but
    UTF-8 cannot hold, a lone surrogate such as ``"\\udb59"``, or None."""
    if isinstance(value, str):
        try:
            value.encode('utf-8')
        except UnicodeEncodeError:
            return value
    elif isinstance(value, dict):
        for item in value.items():
            for found in map(_lone_surrogate, item):
                if found is not None:
                    return found
    elif isinstance(value, list):
        for found in map(_lone_surrogate, value):
            if found is not None:
                return found
    return None


def check(schema, document):
    """:raises: ValidationError with Nova's message for the best error, or
    for a string no database could store (a lone UTF-16 surrogate)."""
    bad = _lone_surrogate(document)
    if bad is not None:
        raise exception.ValidationError(
            detail='Invalid input: %s is not a valid Unicode string.'
            % ascii(bad))
    validator = _validator(schema)
    error = js_exc.best_match(validator.iter_errors(document))
    if error is not None:
        raise exception.ValidationError(detail=_message(error))


def schema(body=None, query=None, media_type=None):
    """Declares the JSON Schemas of a view's request (the one place that
    says which schema belongs to which route; see
    :mod:`nova_core.api.openapi` for the rule).

    ``body`` and ``query`` are each a schema, a function of the
    microversion (:class:`~nova_core.api.microversion.APIVersion`)
    returning one (or None where that version takes none), or None.
    ``media_type`` names a body that is not JSON (image data, JSON patch).
    The view is returned unchanged, so it stacks with ``@bp.get`` in either
    order.
    """
    def declare(view):
        view.request_schemas = {'body': body, 'query': query,
                                'media_type': media_type}
        return view
    return declare


def declared(kind, view=None, version=None):
    """The ``body`` or ``query`` schema declared on ``view`` (default: the
    current request's view) for ``version`` (default: the request's)."""
    if view is None:
        view = flask.current_app.view_functions.get(flask.request.endpoint)
    value = getattr(view, 'request_schemas', {}).get(kind)
    if callable(value):
        value = value(version or flask.g.api_version)
    return value


def _declared_or_fail(kind):
    value = declared(kind)
    if value is None:
        raise LookupError('%s declares no %s schema for this microversion'
                          % (flask.request.endpoint, kind))
    return value


#: Content types Nova reads as JSON (a missing one and ``text/plain`` too).
JSON_TYPES = ('', 'application/json', 'application/vnd.openstack.compute+json',
              'text/plain')


def too_deep(data, limit=MAX_JSON_DEPTH):
    """Whether ``data`` (JSON text, bytes) nests arrays and objects deeper
    than ``limit``, found without parsing it (brackets inside strings do
    not count); linear in its length."""
    if data.count(b'[') + data.count(b'{') <= limit:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(data):
        char = token.group()
        if char in (b'[', b'{'):
            depth += 1
            if depth > limit:
                return True
        elif char in (b']', b'}'):
            depth -= 1
    return False


def load_json(data):
    """Parse a JSON request body, nested at most :data:`MAX_JSON_DEPTH`.

    :raises: ValidationError (400) "Malformed request body", as Nova's.
    """
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogatepass')
    if too_deep(data):
        raise exception.ValidationError(
            detail='Malformed request body: nested deeper than %d levels.'
            % MAX_JSON_DEPTH)
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise exception.ValidationError(
            detail='Malformed request body: it is not valid JSON.')


def body(schema=None):
    """The request's JSON body, checked against ``schema`` (default: the
    one the view declares with :func:`schema`).

    :raises: UnsupportedMediaType (415) for a body sent as another type
        than JSON, as Nova; ValidationError (400).
    """
    if schema is None:
        schema = _declared_or_fail('body')
    request = flask.request
    if request.mimetype not in JSON_TYPES:
        raise exception.UnsupportedMediaType('Unsupported Content-Type')
    if not request.get_data(cache=True):
        raise exception.ValidationError(
            detail='The request body is empty; a JSON object is required.')
    document = load_json(request.get_data(cache=True))
    if not isinstance(document, dict):
        raise exception.ValidationError(
            detail='Malformed request body: a JSON object is required.')
    check(schema, document)
    return document


def query(schema=None):
    """The query string as {name: [values]}, checked against ``schema``
    (default: the one the view declares with :func:`schema`).

    Schemas describe each parameter as an array of strings, as Nova's
    query schemas do, since a parameter may be repeated.
    """
    if schema is None:
        schema = _declared_or_fail('query')
    args = flask.request.args
    document = {key: args.getlist(key) for key in args}
    try:
        check(schema, document)
    except exception.ValidationError as exc:
        raise exception.ValidationError(detail=exc.format_message().replace(
            'field/attribute', 'query parameters'))
    return document


def to_int(value, name, minimum=0, maximum=MAX_INT):
    """An integer of the query string: ASCII digits (``²`` is no digit
    here, whatever ``str.isdigit`` says), within [minimum, maximum].

    :raises: ValidationError (400) in Nova's words.
    """
    number = text_integer(value) if isinstance(value, str) else None
    shown = _short(value)
    if number is None:
        reason = "'%s' is not an integer" % shown
    elif number < minimum:
        reason = "'%s' is less than the minimum of %d" % (shown, minimum)
    elif number > maximum:
        reason = "'%s' is greater than the maximum of %d" % (shown, maximum)
    else:
        return int(number)
    raise exception.ValidationError(
        detail='Invalid input for query parameters %s. Value: %s. %s'
        % (name, shown, reason))


def page_limit(params, max_limit, default=None):
    """The ``limit`` of a list: ``default`` when not given (None for no
    limit), never more than ``max_limit``."""
    value = single(params, 'limit')
    if value in (None, ''):
        return None if default is None else min(default, max_limit)
    return min(to_int(value, 'limit'), max_limit)


def bounded_list(text, name, max_items, max_length=255):
    """The comma-separated items of a query parameter (empty ones
    dropped), at most ``max_items`` of at most ``max_length`` characters.

    :raises: ValidationError (400).
    """
    items = [item for item in text.split(',') if item]
    if len(items) > max_items:
        raise exception.ValidationError(
            detail='Invalid input for query parameters %s. Value: %s. At '
                   'most %d items are allowed, not %d.'
                   % (name, _short(text), max_items, len(items)))
    for item in items:
        if len(item) > max_length:
            raise exception.ValidationError(
                detail='Invalid input for query parameters %s. Value: %s. '
                       "'%s' is longer than %d characters."
                       % (name, _short(text), _short(item), max_length))
    return items


def single(params, key, default=None):
    """The last value of a repeated query parameter, as Nova takes it."""
    values = params.get(key)
    return values[-1] if values else default
