"""Nova's error bodies: ``{"itemNotFound": {"code": 404, "message": ...}}``,
and the headers that go with answers (``Allow`` on 405; no content type
on an empty answer).

Every error leaving the API goes through here, including Flask's own
(unknown URL, wrong method, body too large) and unexpected exceptions,
which are logged and answered with a 500 that reveals nothing internal.
"""
import logging

import flask
import oslo_messaging as messaging
from sqlalchemy import exc as db_exc
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
    response = fault(code, messages.get(code, exc.description or exc.name))
    if isinstance(exc, http_exc.MethodNotAllowed) and exc.valid_methods:
        # RFC 9110: a 405 names the methods the resource has.
        response.headers['Allow'] = ', '.join(sorted(exc.valid_methods))
    return response


def _bodiless(response):
    """An empty answer (204, an action's 202) declares no content type:
    Flask's default ``text/html`` would describe a body that is not
    there."""
    if response.status_code in (202, 204, 304) and \
            not response.is_streamed and not response.get_data():
        del response.headers['Content-Type']
    return response


#: Errors that say a backing service is out of reach, not that the request
#: is wrong: the DB-API's OperationalError and InterfaceError (lost or
#: refused connections, server gone away), the connection pool's timeout,
#: and a message the broker did not take.
UNAVAILABLE = {
    db_exc.OperationalError: 'the database cannot be reached',
    db_exc.InterfaceError: 'the database cannot be reached',
    db_exc.TimeoutError: 'no database connection is free',
    messaging.MessageDeliveryFailure: 'the message broker cannot be reached',
}


def _unavailable(exc):
    reason = next(r for cls, r in UNAVAILABLE.items()
                  if isinstance(exc, cls))
    LOG.error('Service unavailable (%s): %s', reason, exc)
    return _nova_error(exception.ServiceUnavailable(reason=reason))


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
    for cls in UNAVAILABLE:
        app.register_error_handler(cls, _unavailable)
    app.register_error_handler(Exception, _unexpected)
    app.after_request(_bodiless)
