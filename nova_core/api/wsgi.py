"""Serving the API app with waitress, a threaded production WSGI server."""
import logging

import waitress.server

LOG = logging.getLogger(__name__)


def make_server(app, conf):
    """A started-on-``run()`` server bound to the configured address."""
    server = waitress.server.create_server(
        app, host=conf.osapi_compute_listen,
        port=conf.osapi_compute_listen_port, threads=conf.api.wsgi_threads,
        clear_untrusted_proxy_headers=True, ident='nova-core-api')
    LOG.info('nova-core-api listening on http://%s:%s/',
             conf.osapi_compute_listen, server.effective_port)
    return server
