"""gunicorn settings for nova-core-api.

Run::

    NOVA_CORE_CONFIG_FILE=/etc/nova-core/nova.conf \\
    gunicorn -c python:nova_core.wsgi.gunicorn_conf -w 4 \\
        nova_core.wsgi.api:application

The listen address, threads and client limits come from nova-core's own
configuration (read as :mod:`nova_core.wsgi.api` reads it); flags on the
command line override them. Workers: ``-w``, else the environment's
``NOVA_CORE_API_WORKERS``, else the number of CPUs (at most 8).

What protects the threads from slow or stalled clients:

* ``worker_class``: :class:`nova_core.wsgi.worker.ThreadWorker`, gthread
  whose event loop reads request heads (``[wsgi] header_timeout``) so that
  no thread waits for a slow head, and whose threads wait on a client at
  most ``[wsgi] client_socket_timeout`` per read or write (slow bodies,
  downloads that stop reading);
* ``keepalive``: idle kept-alive connections close after
  ``[wsgi] keep_alive_timeout`` seconds;
* ``limit_request_line`` / ``limit_request_field_size`` /
  ``limit_request_fields``: ``[wsgi] max_header_line`` (gunicorn caps the
  request line at 8190 bytes) and ``[wsgi] max_header_fields``;
* ``worker_connections``: ``[wsgi] connection_limit`` sockets per worker;
* ``timeout``: a worker whose event loop does not check in for that long
  is killed and replaced; ``graceful_timeout``: how long a stopping worker
  may finish the requests it has.
"""
import os

from nova_core.wsgi import api as _api

_conf = _api.load_config()


def _bind(host, port):
    return '[%s]:%s' % (host, port) if ':' in host else '%s:%s' % (host,
                                                                     port)


bind = [_bind(_conf.osapi_compute_listen, _conf.osapi_compute_listen_port)]
workers = int(os.environ.get('NOVA_CORE_API_WORKERS') or
              min(os.cpu_count() or 1, 8))
threads = _conf.api.wsgi_threads
worker_class = 'nova_core.wsgi.worker.ThreadWorker'
worker_connections = _conf.wsgi.connection_limit
timeout = 60
graceful_timeout = 30
keepalive = _conf.wsgi.keep_alive_timeout
limit_request_line = min(_conf.wsgi.max_header_line, 8190)
limit_request_field_size = _conf.wsgi.max_header_line
limit_request_fields = _conf.wsgi.max_header_fields
# Never build the app (and its broker connections) in the master process.
preload_app = False
proc_name = 'nova-core-api'
# nova-core logs one access line per request itself (nova_core.api.access).
accesslog = None
errorlog = '-'


def post_worker_init(worker):
    """Build the app in the new worker, so that a broken configuration or
    an unreachable database shows at start rather than at the first
    request."""
    _api.application.load()
