"""Deploy a three-host nova-core with playbooks/site.yml, then use it.

The hosts (controller1, compute1, compute2) are simulated on this machine:
``ansible_connection=local``, a loopback address per host (127.0.0.11-13)
and a root directory per host (``nova_core_root``), under which the roles
write every file and each host's own supervisord runs its services. The
cloud uses the machine's RabbitMQ and MariaDB as "existing servers", with a
vhost, users and a database of its own that teardown removes. Keystone is
the playbooks' own (role nova_core_keystone, on controller1, port 5000):
the tests reach nova-core through its catalog with password auth.

Run: ``bash .ci/setup-ansible.sh`` once, then
``CI=1 python -m pytest tests/integration/test_ansible_deploy.py -v``.
Set ``NOVA_CORE_ANSIBLE_KEEP=1`` to keep the deployment after the run, and
``NOVA_CORE_ANSIBLE_SOURCE`` to deploy another checkout than this one.
"""
import hashlib
import hmac
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from nova_core import host_auth
from tests.fixtures.services import port_open, require, require_port
from tests.integration.ansible_helpers import cloud as cloudlib

REPO = Path(__file__).resolve().parents[2]
PLAYBOOKS = REPO / 'playbooks'
DB_SETUP = 'tests/integration/ansible_helpers/db_setup.yml'
NAME = 'nova_core_ansible_test'
HOSTS = {'controller1': '127.0.0.11',
         'compute1': '127.0.0.12',
         'compute2': '127.0.0.13'}
COMPUTES = ('compute1', 'compute2')
KEYSTONE_PORT = 5000
PLAYBOOK_TIMEOUT = 900


def _require_tools():
    for tool in ('ansible-playbook', 'ansible-lint', 'supervisord',
                 'supervisorctl', 'rabbitmqctl', 'mariadb'):
        require(shutil.which(tool),
                f'{tool} is not installed (run .ci/setup-ansible.sh)')
    require(os.path.exists('/usr/bin/python3'), '/usr/bin/python3 missing')
    require_port('RabbitMQ', '127.0.0.1', 5672)
    require_port('MariaDB', '127.0.0.1', 3306)
    for port in (8774, KEYSTONE_PORT):
        require(not port_open(HOSTS['controller1'], port, timeout=0.2),
                f"something already listens on {HOSTS['controller1']}:{port}")


class Deployment:
    """One deployed cloud: its paths, secrets and playbook runs."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.db_password = 'db' + secrets.token_hex(16)
        self.rabbit_password = 'mq' + secrets.token_hex(16)
        self.host_key_secret = 'hk' + secrets.token_hex(24)
        self.keystone_admin_password = 'ka' + secrets.token_hex(16)
        self.api_port = 8774
        self.inventory = self.workdir / 'inventory.yml'
        self.source = self.workdir / 'source'
        self.host_vars = {h: {} for h in HOSTS}
        self.runs = []

    def snapshot_source(self):
        """Deploy the checkout as it is now, whatever edits come later."""
        shutil.copytree(
            os.environ.get('NOVA_CORE_ANSIBLE_SOURCE', REPO), self.source,
            ignore=shutil.ignore_patterns(
                '.git', '.tox', 'build', 'dist', '*.egg-info', '__pycache__',
                '.ansible', '.ruff_cache', '.pytest_cache', '.benchmarks'))

    def root(self, host):
        return self.workdir / host

    def supervisorctl(self, host, *args):
        conf = self.root(host) / 'etc/nova-core/supervisord.conf'
        return subprocess.run(['supervisorctl', '-c', str(conf), *args],
                              capture_output=True, text=True, timeout=60,
                              check=False)

    @property
    def api(self):
        return f"http://{HOSTS['controller1']}:{self.api_port}"

    @property
    def auth_url(self):
        return f"http://{HOSTS['controller1']}:{KEYSTONE_PORT}/v3"

    def derived(self, label):
        """A secret the playbooks derive from the master secret."""
        return hmac.new(self.host_key_secret.encode(), label.encode(),
                        hashlib.sha256).hexdigest()

    @property
    def nova_password(self):
        return self.derived('nova-core-keystone:nova')

    @property
    def compute_password(self):
        return self.derived('nova-core-keystone:nova-compute')

    @property
    def secrets(self):
        return (self.db_password, self.rabbit_password, self.host_key_secret,
                self.keystone_admin_password, self.nova_password,
                self.compute_password)

    @property
    def cloud(self):
        """The admin's view through Keystone's catalog."""
        if not hasattr(self, '_cloud'):
            self._cloud = cloudlib.Cloud(self.auth_url, 'admin',
                                         self.keystone_admin_password,
                                         'admin')
        return self._cloud

    def write_inventory(self):
        common = {
            'ansible_connection': 'local',
            'ansible_python_interpreter': '/usr/bin/python3',
            'nova_core_system_user': 'root',
            'nova_core_system_group': 'root',
            'nova_core_system_user_manage': False,
            'nova_core_source_dir': str(self.source),
            'nova_core_source_cache_dir': str(self.workdir / 'cache'),
            # The machine's RabbitMQ and MariaDB are "existing servers".
            'nova_core_rabbitmq_install': False,
            'nova_core_rabbitmq_host': '127.0.0.1',
            'nova_core_rabbitmq_userid': NAME,
            'nova_core_rabbitmq_vhost': NAME,
            'nova_core_rabbitmq_password': self.rabbit_password,
            'nova_core_host_key_secret': self.host_key_secret,
            'nova_core_db_install': False,
            'nova_core_db_host': '127.0.0.1',
            'nova_core_db_name': NAME,
            'nova_core_db_user': NAME,
            'nova_core_db_password': self.db_password,
            'nova_core_api_port': self.api_port,
            'nova_core_keystone_port': KEYSTONE_PORT,
            'nova_core_keystone_admin_password': self.keystone_admin_password,
            'nova_core_report_interval': 2,
            'nova_core_service_down_time': 10,
            'nova_core_verify_delay': 1,
        }

        def host(name, **extra):
            return {'ansible_host': HOSTS[name],
                    'nova_core_root': str(self.root(name)),
                    **extra, **self.host_vars[name]}

        inventory = {'all': {
            'vars': common,
            'children': {
                'controllers': {'hosts': {
                    'controller1': host('controller1',
                                        nova_core_conductor_count=2)}},
                'computes': {'hosts': {c: host(c) for c in COMPUTES}},
            }}}
        # JSON is YAML: no YAML library needed here.
        self.inventory.write_text(json.dumps(inventory, indent=2))

    def run_playbook(self, playbook='site.yml', extra_vars=None):
        self.write_inventory()
        # The snapshot's playbooks: edits to the checkout during a run
        # change nothing.
        playbooks = self.source / 'playbooks'
        env = dict(os.environ,
                   ANSIBLE_CONFIG=str(playbooks / 'ansible.cfg'),
                   ANSIBLE_LOCAL_TEMP=str(self.workdir / 'ansible-local'),
                   ANSIBLE_REMOTE_TMP=str(self.workdir / 'ansible-remote'),
                   ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                   PIP_DISABLE_PIP_VERSION_CHECK='1')
        started = time.monotonic()
        extra = ['-e', json.dumps(extra_vars)] if extra_vars else []
        proc = subprocess.run(
            ['ansible-playbook', '-i', str(self.inventory), *extra,
             str(playbook)],
            cwd=playbooks, env=env, capture_output=True, text=True,
            timeout=PLAYBOOK_TIMEOUT, check=False)
        run = cloudlib.PlaybookRun(playbook, proc.returncode, proc.stdout,
                                   proc.stderr, time.monotonic() - started)
        log = self.workdir / f'run-{len(self.runs)}.log'
        log.write_text(proc.stdout + '\n--- stderr ---\n' + proc.stderr)
        with open(self.workdir / 'timings.txt', 'a') as timings:
            timings.write(f'{log.name} {playbook} {run.seconds:.1f}s\n')
        self.runs.append(run)
        assert run.rc == 0, (
            f'{playbook} failed (rc={run.rc}), see {log}:\n{run.tail()}')
        return run

    def teardown(self):
        for host in HOSTS:
            if (self.root(host) / 'etc/nova-core/supervisord.conf').exists():
                self.supervisorctl(host, 'shutdown')
        cloudlib.wait_supervisord_gone(self.workdir)
        cloudlib.drop_database(NAME)
        cloudlib.drop_rabbitmq(NAME, COMPUTES)
        if not os.environ.get('NOVA_CORE_ANSIBLE_KEEP'):
            shutil.rmtree(self.workdir, ignore_errors=True)


@pytest.fixture(scope='module')
def deployment():
    _require_tools()
    # Short path: supervisord's unix socket path must stay under 108 bytes.
    workdir = tempfile.mkdtemp(prefix='nca-', dir='/tmp')
    dep = Deployment(workdir)
    cloudlib.drop_database(NAME)
    cloudlib.drop_rabbitmq(NAME, COMPUTES)
    try:
        dep.snapshot_source()
        dep.run_playbook()
        yield dep
    finally:
        dep.teardown()


def test_first_run_deploys_and_verifies(deployment):
    run = deployment.runs[0]
    recap = run.recap()
    assert set(recap) == set(HOSTS), recap
    assert all(r['failed'] == 0 and r['unreachable'] == 0
               for r in recap.values()), recap
    # The verification play ran and saw every compute service up.
    assert 'Wait for every nova-core-compute to be up' in run.stdout


def test_compute_services_are_up(deployment):
    services = deployment.cloud.get(
        '/os-services?binary=nova-compute')['services']
    state = {s['host']: s['state'] for s in services}
    assert state == {'compute1': 'up', 'compute2': 'up'}, services


def test_controller_runs_api_and_two_conductors(deployment):
    status = deployment.supervisorctl('controller1', 'status').stdout
    running = [line.split()[0] for line in status.splitlines()
               if ' RUNNING ' in line]
    assert sorted(running) == [
        'nova-core-api', 'nova-core-conductor:nova-core-conductor-0',
        'nova-core-conductor:nova-core-conductor-1',
        'nova-core-keystone'], status


def test_catalog_names_nova_core(deployment):
    """The registration: compute and image services with public and
    internal endpoints on nova-core-api, the nova user."""
    identity = deployment.cloud.identity
    services = {s['id']: s['type'] for s in
                identity.get('/services').json()['services']}
    found = {(services[e['service_id']], e['interface'], e['url'])
             for e in identity.get('/endpoints').json()['endpoints']
             if services[e['service_id']] in ('compute', 'image')}
    assert found == {
        (kind, interface, deployment.api + path)
        for kind, path in (('compute', '/v2.1'), ('image', '/image'))
        for interface in ('public', 'internal')}, found
    assert deployment.cloud.compute.get_endpoint() == deployment.api + '/v2.1'
    users = {u['name'] for u in identity.get('/users').json()['users']}
    assert {'admin', 'nova', 'nova-compute'} <= users


def test_api_requires_a_keystone_token(deployment):
    resp = requests.get(deployment.api + '/v2.1/servers', timeout=30,
                        headers={'X-Auth-Token': 'admin:admin'})
    assert resp.status_code == 401, resp.text
    assert deployment.auth_url.rsplit('/v3', 1)[0] in resp.headers[
        'WWW-Authenticate']


@pytest.mark.parametrize('host', COMPUTES)
def test_server_boots_on_each_compute_host(deployment, host):
    """Through the catalog, with password auth: no endpoint override."""
    server = deployment.cloud.boot_server(f'ansible-{host}', host)
    try:
        assert server['status'] == 'ACTIVE', server
        assert server['OS-EXT-SRV-ATTR:host'] == host, server
    finally:
        deployment.cloud.delete_server(server['id'])


def test_compute_service_user_sends_service_tokens_only(deployment):
    """The compute hosts' Keystone user ([service_user]) is no
    administrator, and nova-core-api takes its token as a service token."""
    compute = cloudlib.Cloud(deployment.auth_url, 'nova-compute',
                             deployment.compute_password, 'service')
    resp = compute.compute.get('/os-services', raise_exc=False,
                               headers=cloudlib.MICROVERSION)
    assert resp.status_code == 403, resp.text
    image = deployment.cloud.image
    for service_token, status in ((compute.session.get_token(), 200),
                                  ('not-a-token', 401)):
        resp = image.get('/v2/images', raise_exc=False,
                         headers={'X-Service-Token': service_token})
        assert resp.status_code == status, resp.text


#: (action, queue, routing key, refused?) for compute1's broker user.
BROKER_CASES = [
    ('consume', 'compute.compute1', None, False),
    ('bind', 'compute.compute1', 'compute.compute1', False),
    ('consume', 'compute.compute2', None, True),
    ('consume', 'conductor', None, True),
    ('consume', 'conductor.controller1', None, True),
    ('bind', 'compute.compute1', 'compute.compute2', True),
    ('bind', 'compute.compute1', 'conductor', True),
    ('bind', 'compute.compute2', 'compute.compute2', True),
    ('bind', 'conductor', 'conductor', True),
    ('declare', 'nova-core-test-eavesdrop', None, True),
]


@pytest.mark.parametrize('action,queue,routing_key,refused', BROKER_CASES)
def test_compute_broker_user_reaches_only_its_own_queues(
        deployment, action, queue, routing_key, refused):
    """compute1's RabbitMQ user consumes and binds its own queue only."""
    password = deployment.derived('nova-core-rabbitmq:compute1')
    code = cloudlib.broker_refusal(f'{NAME}-compute1', password, NAME,
                                   action, queue, routing_key)
    assert code == (403 if refused else None), (action, queue, routing_key)


def test_controller_validates_tokens_as_nova(deployment):
    rendered = (deployment.root('controller1') /
                'etc/nova-core/nova.conf').read_text()
    assert 'auth_strategy = keystone' in rendered
    section = rendered.split('[keystone_authtoken]', 1)[1].split('\n[')[0]
    for line in ('auth_type = password', 'username = nova',
                 f'password = {deployment.nova_password}',
                 'project_name = service', 'user_domain_name = Default',
                 'project_domain_name = Default',
                 f'auth_url = {deployment.auth_url}',
                 f'www_authenticate_uri = {deployment.auth_url}'):
        assert line in section.splitlines(), (line, section)
    assert deployment.keystone_admin_password not in rendered


def test_no_db_credentials_on_compute_hosts(deployment):
    secret = deployment.db_password.encode()
    conf = deployment.root('controller1') / 'etc/nova-core/nova.conf'
    assert secret in conf.read_bytes(), 'controller nova.conf lacks the DB'
    # Neither Keystone's administrator nor the nova user: compute hosts
    # have a service user of their own.
    foreign = [secret, deployment.keystone_admin_password.encode(),
               deployment.nova_password.encode()]
    for host in COMPUTES:
        root = deployment.root(host)
        scanned = cloudlib.files_containing(root, foreign + [b'[database]'],
                                            only_suffix='.conf')
        assert scanned.hits == [], scanned.hits
        scanned = cloudlib.files_containing(root, foreign)
        assert scanned.hits == [], scanned.hits
        assert scanned.count > 20, f'scanned only {scanned.count} files'
        rendered = (root / 'etc/nova-core/nova.conf').read_text()
        # Its own key only: never the conductors' master secret.
        assert deployment.host_key_secret not in rendered
        assert 'host_key = %s' % host_auth.derive_host_key(
            deployment.host_key_secret, host) in rendered
        assert 'compute_driver = fake' in rendered
        assert 'transport_url = rabbit://' in rendered
        section = rendered.split('[service_user]', 1)[1].split('\n[')[0]
        for line in ('send_service_user_token = True',
                     'username = nova-compute',
                     f'password = {deployment.compute_password}',
                     f'auth_url = {deployment.auth_url}'):
            assert line in section.splitlines(), (host, line, section)
        assert '[keystone_authtoken]' not in rendered
        pids = cloudlib.supervised_pids(deployment.supervisorctl(host,
                                                                 'status'))
        pids.append(int((root / 'run/nova-core/supervisord.pid')
                        .read_text()))
        assert len(pids) == 2, pids
        for pid in cloudlib.with_descendants(pids):
            for part in ('environ', 'cmdline'):
                data = Path(f'/proc/{pid}/{part}').read_bytes()
                assert secret not in data, (host, pid, part)
                assert b'mysql' not in data.lower(), (host, pid, part)


def test_secrets_are_not_logged(deployment):
    for run in deployment.runs:
        for secret in deployment.secrets:
            assert secret not in run.stdout + run.stderr, run.playbook


def test_second_run_changes_nothing(deployment):
    run = deployment.run_playbook()
    changed = {h: r['changed'] for h, r in run.recap().items()}
    assert changed == {h: 0 for h in HOSTS}, run.changed_tasks()


def test_switching_a_driver_restarts_only_that_compute(deployment):
    before = {h: cloudlib.supervised_pids(deployment.supervisorctl(h,
                                                                   'status'))
              for h in HOSTS}
    deployment.host_vars['compute2'] = {
        'nova_core_compute_driver': 'libvirt',
        'nova_core_libvirt_connection_uri': 'test:///default',
        'nova_core_libvirt_virt_type': 'qemu',
        # The test hypervisor runs in-process: only libvirt-python's build
        # dependencies are needed, and setup-ansible.sh installed them.
        'nova_core_compute_driver_distro_packages': {
            'fake': [], 'libvirt': ['libvirt-dev', 'pkg-config']},
    }
    run = deployment.run_playbook()
    changed = {h: r['changed'] for h, r in run.recap().items()}
    assert changed['controller1'] == 0 and changed['compute1'] == 0, (
        run.changed_tasks())
    assert changed['compute2'] > 0
    after = {h: cloudlib.supervised_pids(deployment.supervisorctl(h,
                                                                  'status'))
             for h in HOSTS}
    assert after['controller1'] == before['controller1']
    assert after['compute1'] == before['compute1']
    assert after['compute2'] != before['compute2']
    rendered = (deployment.root('compute2') /
                'etc/nova-core/nova.conf').read_text()
    assert 'compute_driver = libvirt' in rendered
    assert 'connection_uri = test:///default' in rendered
    assert '[database]' not in rendered
    services = deployment.cloud.get(
        '/os-services?binary=nova-compute')['services']
    assert {s['host']: s['state'] for s in services} == {
        'compute1': 'up', 'compute2': 'up'}
    # And the switched cloud converges too.
    again = deployment.run_playbook()
    assert {h: r['changed'] for h, r in again.recap().items()} == {
        h: 0 for h in HOSTS}, again.changed_tasks()


def test_postgresql_is_selectable(deployment):
    """nova_core_db's PostgreSQL branch, then nova-core's schema on it."""
    require(shutil.which('psql'), 'psql is not installed')
    require_port('PostgreSQL', '127.0.0.1', 5432)
    cloudlib.drop_postgresql(NAME)
    try:
        pg = {'nova_core_db_type': 'postgresql'}
        run = deployment.run_playbook(deployment.source / DB_SETUP,
                                      extra_vars=pg)
        assert run.recap()['controller1']['changed'] == 2, run.changed_tasks()
        again = deployment.run_playbook(deployment.source / DB_SETUP,
                                      extra_vars=pg)
        assert again.recap()['controller1']['changed'] == 0, (
            again.changed_tasks())
        conf = deployment.workdir / 'postgresql.conf'
        conf.write_text(
            '[database]\nconnection = postgresql+psycopg2://'
            f'{NAME}:{deployment.db_password}@127.0.0.1:5432/{NAME}\n')
        manage = (deployment.root('controller1') /
                  'opt/nova-core/venv/bin/nova-core-manage')
        for command in (['db', 'sync'], ['flavor', 'seed']):
            subprocess.run([str(manage), '--config-file', str(conf),
                            *command], check=True, capture_output=True,
                           timeout=300)
        tables = subprocess.run(
            ['psql', '-h', '127.0.0.1', '-U', NAME, '-d', NAME, '-tAc',
             "SELECT count(*) FROM flavors"], capture_output=True, text=True,
            check=True, timeout=60).stdout.strip()
        assert int(tables) >= 5
    finally:
        cloudlib.drop_postgresql(NAME)


def test_playbooks_pass_ansible_lint():
    require(shutil.which('ansible-lint'), 'ansible-lint is not installed')
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, ANSIBLE_HOME=home, NO_COLOR='1')
        proc = subprocess.run(['ansible-lint', '--offline'], cwd=PLAYBOOKS,
                              env=env, capture_output=True, text=True,
                              timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    shutil.rmtree(PLAYBOOKS / '.ansible', ignore_errors=True)


def test_recap_parser():
    out = ('PLAY RECAP ****\n'
           'compute1   : ok=25   changed=3    unreachable=0    failed=0    '
           'skipped=10   rescued=0    ignored=0\n')
    assert cloudlib.PlaybookRun('x', 0, out, '', 0).recap() == {
        'compute1': {'ok': 25, 'changed': 3, 'unreachable': 0, 'failed': 0,
                     'skipped': 10, 'rescued': 0, 'ignored': 0}}
