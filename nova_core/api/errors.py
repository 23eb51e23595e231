"""Nova's error bodies: ``{"itemNotFound": {"code": 404, "message": ...}}``.

Every error leaving the API goes through here, including Flask's own
(unknown URL, wrong method, body too large) and unexpected exceptions,
which are logged and answered with a 500 that reveals nothing internal.
"""
import logging

import flask
from werkzeug import exceptions as http_exc

from nova_core import exception

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
    404: 'itemNotFound', 405: 'badMethod', 406: 'notAcceptable',
    409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType',
    429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
}


def fault(code, message):
    body = {FAULT_NAMES.get(code, 'computeFault'): {'code': code,
                                                    'message': message}}
    return flask.make_response(flask.jsonify(body), code)


def _nova_error(exc):
    code = exc.code
    message = exc.format_message()
    if code >= 500 and not exc.safe:
        LOG.error('Unexpected error: %s', message, exc_info=exc)
        message = ('Unexpected API Error. Please report this at the '
                   'nova-core issue tracker and attach the API log if '
                   'possible.')
    return fault(code, message)


def _http_error(exc):
    messages = {
        404: 'The resource could not be found.',
        405: 'The method is not allowed for the requested URL.',
        413: 'Request is too large.',
        415: 'Unsupported Content-Type',
    }
    code = exc.code or 500
    return fault(code, messages.get(code, exc.description or exc.name))


def _unexpected(exc):
    if isinstance(exc, http_exc.HTTPException):
        return _http_error(exc)
    LOG.exception('Unexpected API error')
    return fault(500, 'Unexpected API Error. Please report this at the '
                      'nova-core issue tracker and attach the API log if '
                      'possible.')


def register(app):
    app.register_error_handler(exception.NovaCoreException, _nova_error)
    app.register_error_handler(http_exc.HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
