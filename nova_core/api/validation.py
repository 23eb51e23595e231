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


def check(schema, document):
    """:raises: ValidationError with Nova's message for the best error."""
    validator = _validator(schema)
    error = js_exc.best_match(validator.iter_errors(document))
    if error is not None:
        raise exception.ValidationError(detail=_message(error))


def body(schema):
    """The request's JSON body, checked against ``schema``."""
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


def query(schema):
    """The query string as {name: [values]}, checked against ``schema``.

    Schemas describe each parameter as an array of strings, as Nova's
    query schemas do, since a parameter may be repeated.
    """
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
