"""Checking request bodies and query strings against JSON Schemas.

Messages follow Nova's: ``Invalid input for field/attribute name. Value:
 x. 'x' is too long``. A body that is not a JSON object, or not JSON at
all, is a 400 too.
"""
import base64
import binascii
import re
import uuid

import flask
import jsonschema
from jsonschema import exceptions as js_exc

from nova_core import exception

FORMATS = jsonschema.FormatChecker()


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


_VALIDATORS = {}


def _validator(schema):
    """A compiled validator per schema object (schemas are built once)."""
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, jsonschema.Draft4Validator(
            schema, format_checker=FORMATS))
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


def body(schema=None):
    """The request's JSON body, checked against ``schema`` (default: the
    one the view declares with :func:`schema`)."""
    if schema is None:
        schema = _declared_or_fail('body')
    request = flask.request
    if not request.get_data(cache=True):
        raise exception.ValidationError(
            detail='The request body is empty; a JSON object is required.')
    try:
        document = request.get_json(force=True, silent=False)
    except Exception:  # noqa: BLE001 - werkzeug raises several kinds
        raise exception.ValidationError(
            detail='Malformed request body: it is not valid JSON.')
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


def page_limit(params, max_limit, default=None):
    """The ``limit`` of a list: ``default`` when not given (None for no
    limit), never more than ``max_limit``. The schema checked it is
    digits."""
    value = single(params, 'limit')
    if value in (None, ''):
        return None if default is None else min(default, max_limit)
    return min(int(value), max_limit)


def single(params, key, default=None):
    """The last value of a repeated query parameter, as Nova takes it."""
    values = params.get(key)
    return values[-1] if values else default
