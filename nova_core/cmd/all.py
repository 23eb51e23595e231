"""nova-core-all: API, conductor and compute in one process.

Embedded defaults make it work with no configuration at all: SQLite under
``state_path`` (``$XDG_STATE_HOME/nova-core``, i.e.
``~/.local/state/nova-core``), the in-process ``local://`` transport and
the fake driver. Any of them can be changed with ``--config-file``.
"""
import os
import sys
import threading

from nova_core import bootstrap, config, rpc
from nova_core.api import app as api_app
from nova_core.api import wsgi
from nova_core.cmd import common
from nova_core.compute import service as compute_service
from nova_core.conductor import service as conductor_service
from nova_core.conf import CONF


def default_state_path():
    base = os.environ.get('XDG_STATE_HOME') or os.path.expanduser(
        '~/.local/state')
    return os.path.join(base, 'nova-core')


def set_defaults(conf):
    rpc.register_opts(conf)
    conf.set_default('state_path', default_state_path())
    conf.set_default('transport_url', 'local://')
    conf.set_default('connection', 'sqlite:///$state_path/nova-core.sqlite',
                     group='database')
    # One compute host: resizes can only happen in place (as devstack
    # sets it for single-node clouds).
    conf.set_default('allow_resize_to_same_host', True)


class AllInOne:
    """The three services of one cloud, started and stopped in order."""

    def __init__(self, conf):
        self.conf = conf
        self.services = []
        self.server = None

    def start(self):
        os.makedirs(self.conf.state_path, exist_ok=True)
        rpc.init(self.conf)
        bootstrap.bootstrap_all_in_one(self.conf)
        # Bound first, so that the compute's image client (snapshots) can
        # be pointed at the port actually bound, unless configured.
        self.server = wsgi.make_server(api_app.create_app(self.conf),
                                       self.conf)
        self.conf.set_default('api_servers', [self.endpoint.replace(
            '/v2.1', '/image')], group='glance')
        for create in (conductor_service.create_service,
                       compute_service.create_service):
            svc = create(self.conf)
            svc.start()
            self.services.append(svc)
        threading.Thread(target=self.server.run, name='wsgi',
                         daemon=True).start()

    @property
    def endpoint(self):
        return 'http://%s:%s/v2.1' % (self.conf.osapi_compute_listen,
                                      self.server.effective_port)

    def stop(self):
        if self.server is not None:
            self.server.close()
        for svc in reversed(self.services):
            svc.stop()
        self.services = []
        rpc.cleanup()


def main(argv=None):
    set_defaults(CONF)
    config.parse_args(argv or sys.argv)
    cloud = AllInOne(CONF)
    cloud.start()
    print('nova-core-all ready: %s (state in %s)' % (cloud.endpoint,
                                                      CONF.state_path),
          flush=True)
    try:
        common.wait_for_signal()
    finally:
        cloud.stop()
