"""Serving the API app with waitress (nova-core-api, nova-core-all).

waitress reads request heads and bodies, and writes responses, in one
event loop; its threads only run the app. So a client that sends its
headers slowly holds a socket, not a thread. The limits below, all from
``[wsgi]``, keep what a socket may cost bounded:

* ``channel_timeout`` (``client_socket_timeout``): a connection with no
  traffic for that long is closed, idle or half-sent alike;
* ``connection_limit``: sockets open at once, far above the threads so that
  slow clients do not lock others out (``asyncore_use_poll``: no 1024-file
  select() ceiling);
* ``max_request_header_size``: the head of a request (four times
  ``max_header_line``);
* ``max_request_body_size``: the largest body of any route (an image upload
  under ``[api] image_size_cap``); waitress buffers a body in memory up to
  ``inbuf_overflow``, then in a temporary file, before the app runs, so a
  slow upload holds no thread either.

Image downloads go out through ``wsgi.file_wrapper``: waitress sends the file
from its event loop, so a client that stops reading holds no thread (with
``outbuf_high_watermark`` above the largest image), and is dropped after
``client_socket_timeout``.

Production deployments serve :mod:`nova_core.wsgi.api` under gunicorn
instead (several processes); see :mod:`nova_core.wsgi.gunicorn_conf`.
"""
import logging

import waitress.server

LOG = logging.getLogger(__name__)


def server_settings(conf):
    """waitress's keyword arguments for ``conf``'s limits."""
    wsgi = conf.wsgi
    return {
        'threads': conf.api.wsgi_threads,
        'channel_timeout': wsgi.client_socket_timeout,
        'cleanup_interval': max(1, min(30, wsgi.client_socket_timeout // 2)),
        'connection_limit': wsgi.connection_limit,
        'asyncore_use_poll': True,
        'max_request_header_size': 4 * wsgi.max_header_line,
        'max_request_body_size': max(conf.api.image_size_cap,
                                     conf.api.max_request_body_size),
        # A task thread waits after each response until the channel's
        # unsent output is under this mark; a file response counts whole.
        # Above the largest image, a download that is not read holds no
        # thread (in-memory output spills to a file past outbuf_overflow).
        'outbuf_high_watermark': conf.api.image_size_cap + 2 ** 24,
        'clear_untrusted_proxy_headers': True,
        'ident': 'nova-core-api',
    }


def make_server(app, conf):
    """A started-on-``run()`` server bound to the configured address."""
    server = waitress.server.create_server(
        app, host=conf.osapi_compute_listen,
        port=conf.osapi_compute_listen_port, **server_settings(conf))
    LOG.info('nova-core-api listening on http://%s:%s/',
             conf.osapi_compute_listen, server.effective_port)
    return server
