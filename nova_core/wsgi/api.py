"""nova-core-api as a WSGI application: ``nova_core.wsgi.api:application``.

For a WSGI server with several processes, as Nova's
``nova.wsgi.osapi_compute``::

    gunicorn -c python:nova_core.wsgi.gunicorn_conf \
        nova_core.wsgi.api:application

The server owns the command line, so the configuration comes from the
environment:

``NOVA_CORE_CONFIG_FILE``
    The configuration file, or several separated by ``;`` (later ones
    override earlier ones). Default: ``/etc/nova-core/nova.conf``.
``NOVA_CORE_CONFIG_DIR``
    A directory whose ``*.conf`` files are read after them (optional).

The app is built in each worker process on first use, or by the worker's
start hook (:func:`Application.load`, called by
:mod:`nova_core.wsgi.gunicorn_conf`): the message broker connections are
made after the server forked, never inherited by several processes.
"""
import logging
import os
import threading

from nova_core import config, rpc
from nova_core.api import app as api_app
from nova_core.conf import CONF

LOG = logging.getLogger(__name__)

CONFIG_FILE_ENV = 'NOVA_CORE_CONFIG_FILE'
CONFIG_DIR_ENV = 'NOVA_CORE_CONFIG_DIR'
DEFAULT_CONFIG_FILE = '/etc/nova-core/nova.conf'


def config_args(environ=None):
    """The oslo.config arguments the environment names."""
    environ = os.environ if environ is None else environ
    files = environ.get(CONFIG_FILE_ENV) or DEFAULT_CONFIG_FILE
    args = []
    for path in filter(None, (p.strip() for p in files.split(';'))):
        args += ['--config-file', path]
    if environ.get(CONFIG_DIR_ENV):
        args += ['--config-dir', environ[CONFIG_DIR_ENV]]
    return args


def load_config(environ=None):
    """Parse nova-core's configuration as the environment says.

    :raises: SystemExit naming the bad option or missing file.
    """
    config.parse_args(['nova-core-api'] + config_args(environ),
                      default_config_files=[])
    return CONF


class Application:
    """The WSGI callable; builds the Flask app once per process."""

    def __init__(self):
        self._app = None
        self._lock = threading.Lock()

    def load(self):
        """Read the configuration, connect to the broker, build the app."""
        if self._app is None:
            with self._lock:
                if self._app is None:
                    load_config()
                    CONF.log_opt_values(LOG, logging.INFO)
                    rpc.init(CONF)
                    self._app = api_app.create_app(CONF)
        return self._app

    def __call__(self, environ, start_response):
        return (self._app or self.load())(environ, start_response)


application = Application()
