"""Helpers of the Ansible deployment test: playbook output, the API, /proc.

Everything here talks only to loopback addresses and to processes whose
command line names the test's own work directory.
"""
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import amqp
from keystoneauth1 import adapter, session
from keystoneauth1.identity import v3

RECAP_LINE = re.compile(r'^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$')
MICROVERSION = {'OpenStack-API-Version': 'compute 2.74'}


@dataclass
class PlaybookRun:
    playbook: str
    rc: int
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)
    seconds: float

    def recap(self):
        """{host: {'ok': n, 'changed': n, ...}} from the PLAY RECAP."""
        text = self.stdout.rsplit('PLAY RECAP', 1)[-1]
        hosts = {}
        for line in text.splitlines():
            match = RECAP_LINE.match(line.strip())
            if match:
                hosts[match.group(1)] = {
                    k: int(v) for k, v in
                    (item.split('=') for item in match.group(2).split())}
        return hosts

    def changed_tasks(self):
        """'TASK name: host' for every task that reported a change."""
        task, found = None, []
        for line in self.stdout.splitlines():
            if line.startswith(('TASK [', 'RUNNING HANDLER [')):
                task = line.split('[', 1)[1].rsplit(']', 1)[0]
            elif line.startswith('changed: ['):
                found.append(f"{task}: {line[len('changed: '):]}")
        return found

    def tail(self, lines=60):
        return '\n'.join((self.stdout + self.stderr).splitlines()[-lines:])


# --- The API, through Keystone's catalog ---------------------------------

class Cloud:
    """The deployed cloud as a client finds it: password auth against
    Keystone, the compute and image endpoints from its catalog (no
    endpoint override)."""

    def __init__(self, auth_url, username, password, project_name,
                 region='RegionOne'):
        auth = v3.Password(auth_url=auth_url, username=username,
                           password=password, project_name=project_name,
                           user_domain_name='Default',
                           project_domain_name='Default')
        self.session = session.Session(auth=auth)
        self.compute, self.image, self.identity = (
            adapter.Adapter(self.session, service_type=kind,
                            interface='public', region_name=region)
            for kind in ('compute', 'image', 'identity'))

    def get(self, path):
        """GET ``path`` of the compute API, as JSON."""
        return self.compute.get(path, headers=MICROVERSION).json()

    def _first_image(self):
        images = self.image.get('/v2/images').json()['images']
        active = [i for i in images if i.get('status') == 'active']
        if active:
            return active[0]['id']
        image = self.image.post('/v2/images', json={
            'name': 'ansible-test', 'disk_format': 'raw',
            'container_format': 'bare', 'visibility': 'public'}).json()
        self.image.put(f"/v2/images/{image['id']}/file", data=b'\0' * 65536,
                       headers={'Content-Type': 'application/octet-stream'})
        return image['id']

    def _smallest_flavor(self):
        flavors = self.get('/flavors/detail')['flavors']
        if flavors:
            return min(flavors, key=lambda f: (f['ram'], f['vcpus']))['id']
        body = {'flavor': {'name': 'ansible.tiny', 'ram': 64, 'vcpus': 1,
                           'disk': 1, 'id': 'ansible-tiny'}}
        return self.compute.post('/flavors', json=body,
                                 headers=MICROVERSION).json()['flavor']['id']

    def boot_server(self, name, host, timeout=120):
        """Boot a server on ``host`` and wait until it leaves BUILD."""
        body = {'server': {'name': name,
                           'flavorRef': self._smallest_flavor(),
                           'imageRef': self._first_image(),
                           'networks': 'none', 'host': host}}
        server_id = self.compute.post('/servers', json=body,
                                      headers=MICROVERSION).json()[
            'server']['id']
        deadline = time.monotonic() + timeout
        while True:
            server = self.get(f'/servers/{server_id}')['server']
            if server['status'] != 'BUILD' or time.monotonic() > deadline:
                return server
            time.sleep(0.5)

    def delete_server(self, server_id, timeout=60):
        path = f'/servers/{server_id}'
        resp = self.compute.delete(path, raise_exc=False)
        if resp.status_code == 404:
            return
        assert resp.status_code == 204, resp.text
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.compute.get(path, raise_exc=False).status_code == 404:
                return
            time.sleep(0.5)


# --- Files and processes -------------------------------------------------

@dataclass
class Scan:
    count: int = 0
    hits: list = field(default_factory=list)


def files_containing(root, needles, only_suffix=None):
    """Every regular file under ``root`` that holds one of ``needles``."""
    scan = Scan()
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if only_suffix and not name.endswith(only_suffix):
                continue
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            scan.count += 1
            scan.hits += [f'{path}: {n!r}' for n in needles if n in data]
    return scan


def supervised_pids(status):
    """PIDs of the RUNNING programs in ``supervisorctl status`` output."""
    return sorted(int(m) for m in
                  re.findall(r'\sRUNNING\s+pid (\d+),', status.stdout))


def _ppids():
    table = {}
    for entry in Path('/proc').iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / 'stat').read_text()
            except OSError:
                continue
            table[int(entry.name)] = int(stat.rsplit(')', 1)[1].split()[1])
    return table


def with_descendants(pids):
    table, found = _ppids(), set(pids)
    grew = True
    while grew:
        children = {p for p, pp in table.items() if pp in found} - found
        found |= children
        grew = bool(children)
    return sorted(p for p in found if Path(f'/proc/{p}').exists())


def pids_under(workdir):
    """PIDs whose command line names ``workdir`` (our own processes)."""
    mark = str(workdir).encode()
    found = []
    for entry in Path('/proc').iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if mark in (entry / 'cmdline').read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_supervisord_gone(workdir, timeout=45):
    """Wait for the test's processes to exit; kill what is left by PID."""
    deadline = time.monotonic() + timeout
    while pids_under(workdir) and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in with_descendants(pids_under(workdir)):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- The machine's RabbitMQ and MariaDB ----------------------------------

def drop_database(name):
    sql = (f"DROP DATABASE IF EXISTS `{name}`; "
           f"DROP USER IF EXISTS '{name}'@'%';")
    subprocess.run(['mariadb', '--protocol=tcp', '-h', '127.0.0.1', '-u',
                    'root', '-e', sql], capture_output=True, timeout=60,
                   check=True)


def drop_rabbitmq(name, hosts=()):
    """The vhost, its user and the users of compute ``hosts``."""
    users = [name] + [f'{name}-{host}' for host in hosts]
    for args in [['delete_vhost', name]] + [['delete_user', u]
                                            for u in users]:
        subprocess.run(['rabbitmqctl', '-q', *args], capture_output=True,
                       timeout=60, check=False)


def drop_postgresql(name):
    for sql in (f'DROP DATABASE IF EXISTS "{name}"',
                f'DROP ROLE IF EXISTS "{name}"'):
        subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d',
                        'postgres', '-c', sql], capture_output=True,
                       timeout=60, check=True)


# --- The broker as one compute host's user --------------------------------

def broker_refusal(user, password, vhost, action, queue, routing_key=None,
                   exchange='openstack', broker='127.0.0.1:5672'):
    """Try one AMQP operation as ``user``: None when RabbitMQ allows it,
    else its reply code (403 is ACCESS_REFUSED).

    ``action`` is ``consume`` (subscribe, then cancel: a message that
    arrives meanwhile goes back to the queue, unacknowledged), ``bind``
    (``queue`` to ``exchange`` with ``routing_key``) or ``declare``.
    """
    conn = amqp.Connection(host=broker, userid=user, password=password,
                           virtual_host=vhost, connect_timeout=10)
    conn.connect()
    try:
        channel = conn.channel()
        try:
            if action == 'consume':
                channel.basic_cancel(channel.basic_consume(
                    queue=queue, callback=lambda message: None))
            elif action == 'bind':
                channel.queue_bind(queue=queue, exchange=exchange,
                                   routing_key=routing_key)
            elif action == 'declare':
                channel.queue_declare(queue=queue, auto_delete=True)
            else:
                raise ValueError(action)
        except amqp.exceptions.AMQPError as exc:
            return exc.reply_code
        return None
    finally:
        conn.collect()
