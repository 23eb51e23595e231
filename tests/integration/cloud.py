"""Real services for integration tests and benchmarks.

Private RabbitMQ vhosts, throw-away MariaDB and PostgreSQL databases, and
a cloud of separate ``nova-core-*`` processes on them (conductors, compute
nodes and the API, each with its own configuration file). Nothing here
depends on pytest, so ``bench/multiprocess.py`` uses it too.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid

import requests

from nova_core import host_auth
from tests.fixtures.net import port_open  # noqa: F401 - used by bench

RABBIT = ('127.0.0.1', 5672)
MARIADB = ('127.0.0.1', 3306)
POSTGRESQL = ('127.0.0.1', 5432)

COMPUTE_VERSION = 'compute 2.100'
ADMIN = 'admin:admin'
DEMO = 'demo:demo'


def unique_name(prefix):
    """A name no other run uses: letters, digits and ``_`` only."""
    return '%s_%s' % (prefix, uuid.uuid4().hex[:12])


def free_port(host='127.0.0.1'):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, interval=0.2, what='condition'):
    """Poll ``predicate`` until it returns something true; return that.

    :raises: TimeoutError naming ``what``.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError('%s not reached within %ss' % (what, timeout))
        time.sleep(interval)


# --- RabbitMQ ------------------------------------------------------------

def rabbitmqctl(*args, timeout=60):
    return subprocess.run(['rabbitmqctl', '-q', *args], check=True,
                          capture_output=True, text=True, timeout=timeout)


class RabbitVhost:
    """A private vhost with a user allowed only there."""

    def __init__(self, name=None):
        self.name = name or unique_name('nova_core_it')
        self.user = self.name
        self.password = uuid.uuid4().hex
        self.created = False

    @property
    def transport_url(self):
        return 'rabbit://%s:%s@%s:%d/%s' % (self.user, self.password,
                                            RABBIT[0], RABBIT[1], self.name)

    def create(self):
        rabbitmqctl('add_user', self.user, self.password)
        self.created = True
        rabbitmqctl('add_vhost', self.name)
        rabbitmqctl('set_permissions', '-p', self.name, self.user,
                    '.*', '.*', '.*')
        return self

    def delete(self):
        if not self.created:
            return
        for args in (('delete_vhost', self.name),
                     ('delete_user', self.user)):
            try:
                rabbitmqctl(*args)
            except subprocess.CalledProcessError:
                pass  # already gone
        self.created = False

    def queues(self):
        """{queue name: consumer count} in this vhost."""
        out = rabbitmqctl('list_queues', '-p', self.name, '--no-table-headers',
                          'name', 'consumers').stdout
        result = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                result[parts[0]] = int(parts[1])
        return result


# --- databases -----------------------------------------------------------

def mariadb_url(name):
    return ('mysql+pymysql://root@%s:%d/%s?charset=utf8mb4'
            % (MARIADB[0], MARIADB[1], name))


def postgresql_url(name):
    return 'postgresql+psycopg2://postgres@%s:%d/%s' % (
        POSTGRESQL[0], POSTGRESQL[1], name)


def _mariadb_admin(statement):
    import pymysql
    conn = pymysql.connect(host=MARIADB[0], port=MARIADB[1], user='root',
                           password='', autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def create_mariadb(name):
    """Create an empty utf8mb4 database; returns its SQLAlchemy URL."""
    _mariadb_admin('CREATE DATABASE `%s` CHARACTER SET utf8mb4 '
                   'COLLATE utf8mb4_unicode_ci' % name)
    return mariadb_url(name)


def drop_mariadb(name):
    _mariadb_admin('DROP DATABASE IF EXISTS `%s`' % name)


def _postgresql_admin(*statements):
    import psycopg2
    conn = psycopg2.connect(host=POSTGRESQL[0], port=POSTGRESQL[1],
                            user='postgres', dbname='postgres')
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement, params in statements:
                cursor.execute(statement, params)
    finally:
        conn.close()


def create_postgresql(name):
    """Create an empty UTF8 database; returns its SQLAlchemy URL."""
    _postgresql_admin(('CREATE DATABASE "%s" ENCODING \'UTF8\' '
                       'TEMPLATE template0' % name, None))
    return postgresql_url(name)


def drop_postgresql(name):
    _postgresql_admin(
        ('SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
         'WHERE datname = %s AND pid <> pg_backend_pid()', (name,)),
        ('DROP DATABASE IF EXISTS "%s"' % name, None))


# --- configuration files and processes -----------------------------------

def write_config(path, sections):
    """Write an INI file from {section: {option: value}} (in order)."""
    with open(path, 'w') as out:
        for section, options in sections.items():
            out.write('[%s]\n' % section)
            for key, value in options.items():
                out.write('%s = %s\n' % (key, value))
            out.write('\n')
    return path


def console_script(name):
    path = shutil.which(name)
    if path is None:
        raise RuntimeError('%s is not on PATH; run pip install -e .' % name)
    return path


class ServiceProcess:
    """One ``nova-core-*`` console script with its output in a log file."""

    def __init__(self, name, script, config_file, log_dir, env=None):
        self.name = name
        self.argv = [console_script(script), '--config-file', config_file]
        self.config_file = config_file
        self.log_path = os.path.join(log_dir, '%s.log' % name)
        self.env = env
        self.popen = None

    @property
    def pid(self):
        return self.popen.pid

    def start(self):
        log = open(self.log_path, 'ab')
        try:
            self.popen = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=self.env,
                start_new_session=True)
        finally:
            log.close()
        return self

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def wait_log(self, pattern, timeout):
        """Wait until the log matches ``pattern``; fail early if it died."""
        regex = re.compile(pattern)

        def seen():
            if regex.search(self.log()):
                return True
            if not self.alive():
                raise RuntimeError('%s exited with %s before logging %r:\n%s'
                                   % (self.name, self.popen.returncode,
                                      pattern, self.tail()))
            return False
        wait_for(seen, timeout, what='%s logging %r' % (self.name, pattern))

    def tail(self, lines=80):
        return '\n'.join(self.log().splitlines()[-lines:])

    def stop(self, timeout=20):
        """SIGTERM, then SIGKILL after ``timeout``; returns the exit code."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        return self.popen.returncode

    def kill(self):
        """SIGKILL: a crash, with no chance to finish anything."""
        if self.alive():
            self.popen.kill()
        self.popen.wait(10)


class GunicornAPI(ServiceProcess):
    """nova-core-api as production runs it: gunicorn with ``workers``
    processes serving ``nova_core.wsgi.api:application``."""

    def __init__(self, name, config_file, log_dir, workers, threads=8):
        super().__init__(name, 'nova-core-api', config_file, log_dir,
                         env=dict(os.environ,
                                  NOVA_CORE_CONFIG_FILE=config_file))
        self.argv = [console_script('gunicorn'), '-c',
                     'python:nova_core.wsgi.gunicorn_conf', '-w',
                     str(workers), '--threads', str(threads),
                     'nova_core.wsgi.api:application']


class MultiProcessCloud:
    """Conductors, compute nodes and the API as separate processes.

    The controller configuration (API, conductors, ``nova-core-manage``)
    carries ``[database]``; compute nodes get a file without it, as a
    deployment renders it.
    """

    def __init__(self, workdir, transport_url, db_url, conductors=2,
                 computes=1, api_port=None, fake_options=None,
                 report_interval=2, service_down_time=12, options=None,
                 api_workers=None):
        self.workdir = workdir
        self.transport_url = transport_url
        self.db_url = db_url
        self.api_port = api_port or free_port()
        self.endpoint = 'http://127.0.0.1:%d/v2.1' % self.api_port
        self.image_endpoint = 'http://127.0.0.1:%d/image/v2' % self.api_port
        self.fake_options = dict(fake_options or {})
        #: {host or '*': {section: {option: value}}}: extra settings.
        self.options = dict(options or {})
        #: Controllers hold it; each compute node only its own derived key.
        self.host_key_secret = uuid.uuid4().hex + uuid.uuid4().hex
        self.common = {
            'transport_url': transport_url,
            'report_interval': report_interval,
            'service_down_time': service_down_time,
            'rpc_response_timeout': 30,
            'osapi_compute_listen': '127.0.0.1',
            'osapi_compute_listen_port': self.api_port,
        }
        self.log_dir = os.path.join(workdir, 'logs')
        os.makedirs(self.log_dir, exist_ok=True)
        self.controller_conf = self._controller_config('controller')
        self.conductors = [self._conductor('conductor-%d' % i)
                           for i in range(1, conductors + 1)]
        self.computes = [self._compute('compute-%d' % i)
                         for i in range(1, computes + 1)]
        if api_workers:
            self.api = GunicornAPI('api', self._controller_config('api'),
                                   self.log_dir, api_workers)
        else:
            self.api = ServiceProcess('api', 'nova-core-api',
                                      self._controller_config('api'),
                                      self.log_dir)
        self.session = requests.Session()

    # configuration ---------------------------------------------------------

    def _state_path(self, host):
        path = os.path.join(self.workdir, host)
        os.makedirs(path, exist_ok=True)
        return path

    def _with_options(self, host, sections):
        for key in ('*', host):
            for section, values in self.options.get(key, {}).items():
                sections.setdefault(section, {}).update(values)
        return sections

    def _controller_config(self, host):
        return write_config(
            os.path.join(self.workdir, '%s.conf' % host),
            self._with_options(host, {
                'DEFAULT': dict(self.common, host=host,
                                state_path=self._state_path(host)),
                'database': {'connection': self.db_url},
                'conductor': {'host_key_secret': self.host_key_secret},
            }))

    def _conductor(self, host):
        return ServiceProcess(host, 'nova-core-conductor',
                              self._controller_config(host), self.log_dir)

    def compute_sections(self, host):
        """What a compute node's file holds: no ``[database]``."""
        return self._with_options(host, {
            'DEFAULT': dict(self.common, host=host, compute_driver='fake',
                            state_path=self._state_path(host)),
            'glance': {'api_servers': 'http://127.0.0.1:%d/image'
                       % self.api_port},
            'fake': dict(self.fake_options),
            'compute': {'host_key': host_auth.derive_host_key(
                self.host_key_secret, host)},
        })

    def _compute(self, host):
        path = write_config(os.path.join(self.workdir, '%s.conf' % host),
                            self.compute_sections(host))
        return ServiceProcess(host, 'nova-core-compute', path, self.log_dir)

    @property
    def processes(self):
        return self.conductors + self.computes + [self.api]

    # life cycle ----------------------------------------------------------

    def manage(self, *args, timeout=120):
        """Run ``nova-core-manage`` with the controller configuration."""
        result = subprocess.run(
            [console_script('nova-core-manage'), '--config-file',
             self.controller_conf, *args], capture_output=True, text=True,
            timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError('nova-core-manage %s failed (%d):\n%s%s' % (
                ' '.join(args), result.returncode, result.stdout,
                result.stderr))
        return result.stdout

    def start(self, timeout=60):
        """Schema, flavors, then every service; returns once all are up.

        Conductors come first: a compute node's first RPC call goes to the
        conductor topic, and a call made before any conductor's queue
        exists is lost until the RPC timeout.
        """
        self.manage('db', 'sync')
        self.manage('flavor', 'seed')
        for proc in self.conductors + [self.api]:
            proc.start()
        for proc in self.conductors:
            proc.wait_log(r'nova-conductor started on host', timeout)
        for proc in self.computes:
            proc.start()
        self.wait_api(timeout)
        self.wait_services_up(timeout)
        return self

    def wait_api(self, timeout=60):
        def answers():
            if not self.api.alive():
                raise RuntimeError('nova-core-api exited:\n%s'
                                   % self.api.tail())
            try:
                return self.session.get(self.endpoint, timeout=2).ok
            except requests.RequestException:
                return False
        wait_for(answers, timeout, what='nova-core-api answering')

    def services(self):
        response = self.get('/os-services', token=ADMIN)
        response.raise_for_status()
        return response.json()['services']

    def wait_services_up(self, timeout=60, hosts=None):
        """Until every named host (default: all) shows its service up."""
        wanted = set(hosts or [p.name for p in self.conductors +
                               self.computes])

        def all_up():
            for proc in self.computes:
                if not proc.alive():
                    raise RuntimeError('%s exited:\n%s' % (proc.name,
                                                           proc.tail()))
            up = {s['host'] for s in self.services() if s['state'] == 'up'}
            return wanted <= up
        wait_for(all_up, timeout, interval=0.3,
                 what='services %s up' % sorted(wanted))

    def stop(self):
        """Stop every process (API first, conductors last)."""
        codes = {}
        for proc in [self.api] + self.computes + self.conductors:
            codes[proc.name] = proc.stop()
        self.session.close()
        return codes

    def logs(self, lines=60):
        return '\n'.join('===== %s (%s) =====\n%s' % (
            p.name, p.log_path, p.tail(lines)) for p in self.processes)

    # HTTP ----------------------------------------------------------------

    def request(self, method, path, token=DEMO, headers=None, base=None,
                **kwargs):
        all_headers = {'X-Auth-Token': token,
                       'OpenStack-API-Version': COMPUTE_VERSION}
        all_headers.update(headers or {})
        kwargs.setdefault('timeout', 30)
        return self.session.request(method, (base or self.endpoint) + path,
                                    headers=all_headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def upload_image(self, data, name='cirros-test', token=ADMIN):
        """Create a public image through the Glance API and upload data."""
        created = self.session.post(
            self.image_endpoint + '/images', headers={'X-Auth-Token': token},
            json={'name': name, 'disk_format': 'raw',
                  'container_format': 'bare', 'visibility': 'public'},
            timeout=30)
        created.raise_for_status()
        image_id = created.json()['id']
        uploaded = self.session.put(
            '%s/images/%s/file' % (self.image_endpoint, image_id), data=data,
            headers={'X-Auth-Token': token,
                     'Content-Type': 'application/octet-stream'}, timeout=60)
        uploaded.raise_for_status()
        return image_id

    def boot(self, name, image_id, flavor='1', token=DEMO):
        response = self.request('POST', '/servers', token=token, json={
            'server': {'name': name, 'flavorRef': flavor,
                       'imageRef': image_id, 'networks': 'none'}})
        if response.status_code != 202:
            raise AssertionError('boot %s: %d %s' % (
                name, response.status_code, response.text))
        return response.json()['server']['id']

    def wait_status(self, server_ids, status='ACTIVE', timeout=60,
                    token=DEMO):
        """Until each server has ``status``; fails fast on ERROR."""
        pending = set(server_ids)

        def done():
            for server_id in list(pending):
                response = self.get('/servers/%s' % server_id, token=token)
                response.raise_for_status()
                server = response.json()['server']
                if server['status'] == status:
                    pending.discard(server_id)
                elif server['status'] == 'ERROR' and status != 'ERROR':
                    raise AssertionError('server %s went to ERROR: %s' % (
                        server_id, server.get('fault')))
            return not pending
        wait_for(done, timeout, interval=0.2,
                 what='servers %s %s' % (sorted(pending), status))

    def wait_gone(self, server_ids, timeout=60, token=DEMO):
        pending = set(server_ids)

        def done():
            for server_id in list(pending):
                code = self.get('/servers/%s' % server_id,
                                token=token).status_code
                if code == 404:
                    pending.discard(server_id)
            return not pending
        wait_for(done, timeout, interval=0.2,
                 what='servers %s gone' % sorted(pending))
