"""``nova-core-all --keystone``: a Keystone of its own, on embedded defaults.

nova-core-all starts Keystone as a child process it supervises (started
again when it dies), on SQLite under ``[identity] keystone_path``, and
authenticates API requests with it. The first start bootstraps:

* ``admin`` (role ``admin`` on project ``admin``) and ``demo`` (role
  ``member`` on project ``demo``) with generated passwords, kept with the
  ``nova`` service user's in ``$state_path/keystone-accounts.json`` (0600);
* the ``service`` project and the ``nova`` user (roles ``admin`` and
  ``service``), which validates tokens (``[keystone_authtoken]``) and sends
  service tokens with image downloads (``[service_user]``);
* the ``compute`` and ``image`` services with endpoints on the API's URL;
* ``$state_path/clouds.yaml`` with the clouds ``nova-core-admin`` and
  ``nova-core``.
"""
import json
import logging
import os
import secrets
import threading

from keystoneauth1 import loading as ks_loading

from nova_core import identity
from nova_core.api import auth
from nova_core.identity import catalog, clouds
from nova_core.identity.keystone_process import KeystoneProcess

LOG = logging.getLogger(__name__)

ACCOUNTS_FILE = 'keystone-accounts.json'

#: The accounts bootstrapped: user -> (project, roles).
ACCOUNTS = {'admin': ('admin', ['admin']), 'demo': ('demo', ['member']),
            'nova': ('service', ['admin', 'service'])}

#: The clouds of clouds.yaml: name -> user.
CLOUDS = {'nova-core-admin': 'admin', 'nova-core': 'demo'}

#: Seconds between the supervisor's looks at the Keystone process.
SUPERVISE_INTERVAL = 2.0


def load_passwords(state_path):
    """The accounts' passwords, generated and saved (0600) the first
    time."""
    path = os.path.join(state_path, ACCOUNTS_FILE)
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        pass
    passwords = {user: secrets.token_urlsafe(18) for user in ACCOUNTS}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'w') as f:
        json.dump(passwords, f, indent=2)
    return passwords


def configure(conf, auth_url, nova_password):
    """Point ``[keystone_authtoken]`` and ``[service_user]`` at Keystone
    with the ``nova`` user's credentials, and turn keystone auth on."""
    auth.register_authtoken_opts(conf)
    ks_loading.register_auth_conf_options(conf, 'service_user')
    conf.register_opts(ks_loading.get_auth_plugin_conf_options('password'),
                       group='service_user')
    credentials = {
        'auth_type': 'password', 'auth_url': auth_url, 'username': 'nova',
        'password': nova_password, 'project_name': 'service',
        'user_domain_name': 'Default', 'project_domain_name': 'Default'}
    for group in (auth.AUTHTOKEN_GROUP, 'service_user'):
        for name, value in credentials.items():
            conf.set_override(name, value, group=group)
    conf.set_override('www_authenticate_uri', auth_url,
                      group=auth.AUTHTOKEN_GROUP)
    conf.set_override('send_service_user_token', True, group='service_user')
    conf.set_override('auth_strategy', 'keystone', group='api')


class EmbeddedKeystone:
    """Keystone as nova-core-all's supervised child."""

    def __init__(self, conf):
        self.conf = conf
        self.passwords = load_passwords(conf.state_path)
        ident = conf.identity
        self.process = KeystoneProcess(
            ident.keystone_path, ident.keystone_port,
            admin_password=self.passwords['admin'],
            host=ident.keystone_listen, venv=ident.keystone_venv,
            region=ident.region_name)
        self._stopping = threading.Event()
        self._supervisor = None

    @property
    def auth_url(self):
        return self.process.auth_url

    def start(self):
        """Start Keystone (bootstrapping it the first time) and configure
        nova-core to authenticate with it.

        :raises: KeystoneError naming what failed.
        """
        self.process.start()
        configure(self.conf, self.auth_url, self.passwords['nova'])
        self._supervisor = threading.Thread(
            target=self._supervise, name='keystone-supervisor', daemon=True)
        self._supervisor.start()

    def register(self, api_url):
        """Accounts and catalog for nova-core-api at ``api_url`` (its base
        URL, e.g. ``http://127.0.0.1:8774``); returns clouds.yaml's path."""
        region = self.conf.identity.region_name
        admin = catalog.IdentityAdmin(self.auth_url, self.passwords['admin'],
                                      region=region)
        catalog.register_nova(admin, api_url, self.passwords['nova'],
                              region=region)
        for user, (project, roles) in ACCOUNTS.items():
            if user not in ('admin', 'nova'):
                admin.ensure_account(user, self.passwords[user], project,
                                     roles)
        admin.session.invalidate()  # a token with the new catalog
        for service_type in ('compute', 'image'):
            catalog.require_service(admin.session, service_type, region)
        return clouds.write(self.conf.identity.clouds_yaml, {
            name: clouds.cloud(self.auth_url, user, self.passwords[user],
                               ACCOUNTS[user][0], region)
            for name, user in CLOUDS.items()})

    def stop(self):
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join()
            self._supervisor = None
        self.process.stop()

    def _supervise(self):
        while not self._stopping.wait(SUPERVISE_INTERVAL):
            if self.process.running():
                continue
            LOG.error('Keystone exited (%s); starting it again',
                      self.process.log_tail(2))
            self.process.stop()
            try:
                self.process.start()
            except identity.KeystoneError as exc:
                LOG.error('Keystone did not start again: %s', exc)
