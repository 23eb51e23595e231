"""A real Keystone as a child process, on SQLite, in one directory.

::

    keystone = KeystoneProcess('/var/lib/nova-core/keystone', 5000,
                               admin_password=secret)
    keystone.start()        # configure and bootstrap once, serve, wait
    keystone.auth_url       # http://127.0.0.1:5000/v3
    keystone.stop()

The directory holds ``keystone.conf``, the SQLite database, the fernet and
credential key repositories, the log and a two-line WSGI module: Keystone's
oslo.config reads the process's arguments, so the module clears
``sys.argv`` before it imports Keystone, or gunicorn's own flags would stop
it. gunicorn serves it with one single-threaded worker: SQLite answers
"database is locked" to concurrent writers.
"""
import grp
import logging
import os
import pwd
import subprocess
import time

import requests

from nova_core import identity
from nova_core.identity import venv as keystone_venv

LOG = logging.getLogger(__name__)

CONF_TEMPLATE = """\
[DEFAULT]
log_file = {dir}/keystone.log
{extra_default}
[database]
connection = sqlite:///{dir}/keystone.sqlite

[fernet_tokens]
key_repository = {dir}/fernet-keys

[fernet_receipts]
key_repository = {dir}/fernet-keys

[credential]
key_repository = {dir}/credential-keys

[token]
expiration = {token_expiration}
"""

WSGI_MODULE = """\
import sys
sys.argv = sys.argv[:1]  # Keystone's oslo.config must not read gunicorn's
from keystone.wsgi.api import application  # noqa: E402,F401
"""

#: Written once bootstrap has succeeded: later starts skip the setup.
DONE_MARKER = 'bootstrapped'


class KeystoneProcess:
    """One Keystone: configured and bootstrapped on first start."""

    def __init__(self, directory, port, admin_password, host='127.0.0.1',
                 venv=None, region='RegionOne', token_expiration=3600,
                 start_timeout=90):
        self.directory = os.path.abspath(directory)
        self.host, self.port = host, port
        self.admin_password = admin_password
        self.venv = venv
        self.region = region
        self.token_expiration = token_expiration
        self.start_timeout = start_timeout
        self.process = None
        self._log = None

    @property
    def url(self):
        return 'http://%s:%d' % (self.host, self.port)

    @property
    def auth_url(self):
        return self.url + '/v3'

    @property
    def conf_file(self):
        return os.path.join(self.directory, 'keystone.conf')

    # --- lifecycle ----------------------------------------------------------

    def start(self):
        """Configure and bootstrap (the first time), serve, and wait until
        Keystone answers.

        :raises: KeystoneError naming what failed, with its log's tail.
        """
        self.venv = keystone_venv.ensure(self.venv)
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        if not os.path.exists(os.path.join(self.directory, DONE_MARKER)):
            self._set_up()
        self._spawn()
        self._wait_until_ready()
        LOG.info('Keystone serves %s (pid %d)', self.auth_url,
                 self.process.pid)

    def stop(self, timeout=10):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def running(self):
        return self.process is not None and self.process.poll() is None

    # --- setup --------------------------------------------------------------

    def _set_up(self):
        with open(self.conf_file, 'w') as f:
            f.write(CONF_TEMPLATE.format(
                dir=self.directory, extra_default='',
                token_expiration=self.token_expiration))
        with open(os.path.join(self.directory, 'keystone_wsgi.py'),
                  'w') as f:
            f.write(WSGI_MODULE)
        owner = ['--keystone-user', pwd.getpwuid(os.getuid()).pw_name,
                 '--keystone-group', grp.getgrgid(os.getgid()).gr_name]
        self.manage('db_sync')
        self.manage('fernet_setup', *owner)
        self.manage('credential_setup', *owner)
        # The password through the environment: not in ps, and one that
        # starts with "-" is no option to argparse.
        self.manage('bootstrap', '--bootstrap-region-id', self.region,
                    '--bootstrap-public-url', self.auth_url,
                    '--bootstrap-internal-url', self.auth_url,
                    env={'OS_BOOTSTRAP_PASSWORD': self.admin_password})
        open(os.path.join(self.directory, DONE_MARKER), 'w').close()

    def manage(self, *args, env=None):
        """Run ``keystone-manage`` on this Keystone's configuration.

        :raises: KeystoneError with its output when it fails.
        """
        argv = [keystone_venv.program(self.venv, 'keystone-manage'),
                '--config-file', self.conf_file, *args]
        result = subprocess.run(argv, capture_output=True, text=True,
                                cwd=self.directory, timeout=300,
                                env=dict(os.environ, **(env or {})))
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()
            raise identity.KeystoneError(reason='keystone-manage %s failed: '
                                         '%s' % (args[0],
                                                 '\n'.join(output[-5:])))
        return result.stdout

    # --- serving ------------------------------------------------------------

    def _spawn(self):
        env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=self.conf_file)
        env.pop('PYTHONPATH', None)
        self._log = open(os.path.join(self.directory, 'gunicorn.log'), 'ab')
        self.process = subprocess.Popen(
            [keystone_venv.program(self.venv, 'gunicorn'),
             '--bind', '%s:%d' % (self.host, self.port),
             '--workers', '1', '--threads', '1', '--timeout', '120',
             '--pid', os.path.join(self.directory, 'gunicorn.pid'),
             '--chdir', self.directory, 'keystone_wsgi:application'],
            cwd=self.directory, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT)

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise identity.KeystoneError(reason=(
                    'gunicorn exited with %d: %s' % (self.process.returncode,
                                                     self.log_tail())))
            try:
                if requests.get(self.auth_url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise identity.KeystoneError(reason=(
            'no answer from %s within %d s: %s' % (
                self.auth_url, self.start_timeout, self.log_tail())))

    def log_tail(self, lines=8):
        text = []
        for name in ('gunicorn.log', 'keystone.log'):
            try:
                with open(os.path.join(self.directory, name),
                          errors='replace') as f:
                    text += f.read().splitlines()[-lines:]
            except FileNotFoundError:
                pass
        return '\n'.join(text)
