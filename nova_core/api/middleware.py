"""WSGI middleware around the Flask app: what an operator expects of an API.

* ``/healthcheck``: oslo.middleware's Healthcheck, as in Nova's
  api-paste.ini, answered before authentication (``[healthcheck]`` options:
  ``backends``, ``detailed``, ``disable_by_file_path``, ...).
* One access-log line per request on the ``nova_core.api.access`` logger:
  client, method, path (query values that look secret masked), status,
  response length, seconds until the response was sent, request id. Tokens
  and other headers are never logged.

The request id itself is made in :mod:`nova_core.api.app` (``_before``), as
oslo.middleware's RequestId does: the API makes its own ``req-<uuid>`` and
keeps a caller's valid ``X-OpenStack-Request-ID`` as the global request id.
"""
import logging
import time

from oslo_middleware import healthcheck
from oslo_utils import strutils

ACCESS_LOG = logging.getLogger('nova_core.api.access')

HEALTHCHECK_PATH = '/healthcheck'
#: WSGI environ key under which the app records the request id it made.
ENV_REQUEST_ID = 'nova_core.request_id'


class AccessLog:
    """Logs each request once its response has been sent (or abandoned)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = time.monotonic()
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen['status'] = status.split(' ', 1)[0]
            seen['length'] = next((v for k, v in headers
                                   if k.lower() == 'content-length'), '-')
            return start_response(status, headers, exc_info)

        result = self.application(environ, recording_start_response)
        file_wrapper = environ.get('wsgi.file_wrapper')
        if isinstance(file_wrapper, type) and isinstance(result,
                                                         file_wrapper):
            # The server sends a file wrapper from its own loop (waitress)
            # or with sendfile (gunicorn) only when it gets the very
            # object: log now, with the time until the data was ready.
            self.log(environ, seen, started)
            return result
        return _Logged(result, lambda: self.log(environ, seen, started))

    @staticmethod
    def log(environ, seen, started):
        path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
        query = environ.get('QUERY_STRING')
        if query:
            path += '?' + strutils.mask_password(query)
        ACCESS_LOG.info(
            '%s "%s %s" status: %s len: %s time: %.6f request_id: %s',
            environ.get('REMOTE_ADDR', '-'), environ.get('REQUEST_METHOD'),
            path, seen.get('status', '-'), seen.get('length', '-'),
            time.monotonic() - started, environ.get(ENV_REQUEST_ID, '-'))


class _Logged:
    """The app's response iterable, logging when the server closes it."""

    def __init__(self, result, on_close):
        self._result = result
        self._on_close = on_close

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            if hasattr(self._result, 'close'):
                self._result.close()
        finally:
            self._on_close()


class HealthcheckRoute:
    """``/healthcheck`` to oslo.middleware's Healthcheck, the rest to the
    app, so that only health checks pay for webob."""

    def __init__(self, application, conf):
        self.application = application
        self.healthcheck = healthcheck.Healthcheck(application, conf)

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '').rstrip('/') == HEALTHCHECK_PATH:
            return self.healthcheck(environ, start_response)
        return self.application(environ, start_response)


def wrap(wsgi_app, conf):
    """``wsgi_app`` inside the operator middleware (health check, access
    log). Authentication middleware goes inside, around the Flask app, so
    that health checks stay unauthenticated and 401s are logged."""
    return AccessLog(HealthcheckRoute(wsgi_app, conf))
