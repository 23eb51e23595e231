"""nova-core-all: API, conductor and compute in one process.

Embedded defaults make it work with no configuration at all: SQLite under
``state_path`` (``$XDG_STATE_HOME/nova-core``, i.e.
``~/.local/state/nova-core``), the in-process ``local://`` transport and
the fake driver. Any of them can be changed with ``--config-file``.
With ``--keystone`` it also runs a Keystone of its own and authenticates
with it (see :mod:`nova_core.identity.embedded`).
"""
import os
import sys
import threading

from oslo_config import cfg

from nova_core import bootstrap, config, rpc
from nova_core.api import app as api_app
from nova_core.api import wsgi
from nova_core.cmd import common, state_lock
from nova_core.compute import service as compute_service
from nova_core.conductor import service as conductor_service
from nova_core.conf import CONF
from nova_core.console import proxy as console_proxy
from nova_core.identity import embedded

KEYSTONE_CLI_OPT = cfg.BoolOpt(
    'keystone', default=False,
    help='Run a Keystone of its own as well, and authenticate with it '
         '(the same as [identity] embedded_keystone = true).')


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
    # Consoles work out of the box: the fake driver's echo and the guests'
    # serial ports, through proxies on any free port of the API's address
    # (the URLs the API gives follow them).
    conf.set_default('enabled', True, group='serial_console')
    conf.set_default('serialproxy_port', 0, group='serial_console')
    conf.set_default('novncproxy_port', 0, group='vnc')


class AllInOne:
    """The three services of one cloud, started and stopped in order."""

    def __init__(self, conf):
        self.conf = conf
        self.services = []
        self.server = None
        self.keystone = None
        self.clouds_yaml = None
        self.console_proxies = {}
        self.lock = state_lock.StateDirLock(conf.state_path)

    def start(self):
        os.makedirs(self.conf.state_path, exist_ok=True)
        self.lock.acquire()  # before anything touches the state directory
        rpc.init(self.conf)
        bootstrap.bootstrap_all_in_one(self.conf)
        if self.conf.identity.embedded_keystone:
            self.keystone = embedded.EmbeddedKeystone(self.conf)
            self.keystone.start()
        # Bound first, so that the compute's image client (snapshots) can
        # be pointed at the port actually bound, unless configured.
        self.server = wsgi.make_server(api_app.create_app(self.conf),
                                       self.conf)
        self.conf.set_default('api_servers', [self.endpoint.replace(
            '/v2.1', '/image')], group='glance')
        if self.keystone is not None:
            self.clouds_yaml = self.keystone.register(
                self.endpoint[:-len('/v2.1')])
        self._start_console_proxies()
        for create in (conductor_service.create_service,
                       compute_service.create_service):
            svc = create(self.conf)
            svc.start()
            self.services.append(svc)
        threading.Thread(target=self.server.run, name='wsgi',
                         daemon=True).start()

    def _start_console_proxies(self):
        """The proxies of the enabled consoles, on the API's address; the
        console URLs point at the ports they bound, unless configured."""
        self.console_proxies = {}
        for kind, group, host, option, page in (
                ('serial', 'serial_console', 'serialproxy_host', 'base_url',
                 '/'),
                ('novnc', 'vnc', 'novncproxy_host', 'novncproxy_base_url',
                 '/vnc_lite.html')):
            if not self.conf[group].enabled:
                continue
            self.conf.set_default(host, self.conf.osapi_compute_listen,
                                  group=group)
            proxy = console_proxy.ConsoleProxy(self.conf, kind)
            proxy.start()
            self.console_proxies[kind] = proxy
            scheme = 'ws' if kind == 'serial' else 'http'
            self.conf.set_default(option, '%s://%s:%s%s' % (
                scheme, proxy.host, proxy.port, page), group=group)

    @property
    def endpoint(self):
        return 'http://%s:%s/v2.1' % (self.conf.osapi_compute_listen,
                                      self.server.effective_port)

    def stop(self):
        if self.server is not None:
            self.server.close()
        for proxy in self.console_proxies.values():
            proxy.stop()
        for svc in reversed(self.services):
            svc.stop()
        self.services = []
        rpc.cleanup()
        if self.keystone is not None:
            self.keystone.stop()
        self.lock.release()


def main(argv=None):
    set_defaults(CONF)
    CONF.register_cli_opt(KEYSTONE_CLI_OPT)
    config.parse_args(argv or sys.argv)
    common.log_options(CONF)
    if CONF.keystone:
        CONF.set_override('embedded_keystone', True, group='identity')
    cloud = AllInOne(CONF)
    stopping = common.catch_signals()
    try:
        cloud.start()
    except state_lock.StateDirInUse as exc:
        sys.exit('nova-core-all: %s' % exc)
    print('nova-core-all ready: %s (state in %s)' % (cloud.endpoint,
                                                      CONF.state_path),
          flush=True)
    if cloud.keystone is not None:
        print('Keystone: %s; clouds "nova-core-admin" and "nova-core" in '
              '%s:\n  export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=nova-core'
              % (cloud.keystone.auth_url, cloud.clouds_yaml,
                 cloud.clouds_yaml), flush=True)
    try:
        common.wait_for_signal(stopping)
    finally:
        cloud.stop()
