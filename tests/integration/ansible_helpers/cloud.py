"""Helpers of the Ansible deployment test: playbook output, the API, /proc.

Everything here talks only to loopback addresses and to processes whose
command line names the test's own work directory.
"""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

RECAP_LINE = re.compile(r'^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$')
HEADERS = {'X-Auth-Token': 'admin:admin',
           'OpenStack-API-Version': 'compute 2.74',
           'Content-Type': 'application/json'}


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


# --- The API -------------------------------------------------------------

def api_request(api, method, path, body=None, timeout=30, raw=None):
    headers = dict(HEADERS)
    data = json.dumps(body).encode() if body is not None else None
    if raw is not None:
        data, headers['Content-Type'] = raw, 'application/octet-stream'
    req = urllib.request.Request(api + path, data=data, method=method,
                                 headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def api_get(api, path):
    return api_request(api, 'GET', path)


def _first_image(api):
    """An active image; uploads a small raw one through Glance v2 if none.

    (The /v2.1/images proxy ends at microversion 2.36, as in Nova.)
    """
    images = api_get(api, '/image/v2/images')['images']
    active = [i for i in images if i.get('status') == 'active']
    if active:
        return active[0]['id']
    image = api_request(api, 'POST', '/image/v2/images', {
        'name': 'ansible-test', 'disk_format': 'raw',
        'container_format': 'bare', 'visibility': 'public'})
    api_request(api, 'PUT', f"/image/v2/images/{image['id']}/file",
                raw=b'\0' * 65536)
    return image['id']


def _smallest_flavor(api):
    flavors = api_get(api, '/v2.1/flavors/detail')['flavors']
    if flavors:
        return min(flavors, key=lambda f: (f['ram'], f['vcpus']))['id']
    body = {'flavor': {'name': 'ansible.tiny', 'ram': 64, 'vcpus': 1,
                       'disk': 1, 'id': 'ansible-tiny'}}
    return api_request(api, 'POST', '/v2.1/flavors', body)['flavor']['id']


def boot_server(api, name, host, timeout=120):
    """Boot a server on ``host`` and wait until it leaves BUILD."""
    body = {'server': {'name': name, 'flavorRef': _smallest_flavor(api),
                       'imageRef': _first_image(api), 'networks': 'none',
                       'host': host}}
    server_id = api_request(api, 'POST', '/v2.1/servers', body)['server'][
        'id']
    deadline = time.monotonic() + timeout
    while True:
        server = api_get(api, f'/v2.1/servers/{server_id}')['server']
        if server['status'] != 'BUILD' or time.monotonic() > deadline:
            return server
        time.sleep(0.5)


def delete_server(api, server_id, timeout=60):
    try:
        api_request(api, 'DELETE', f'/v2.1/servers/{server_id}')
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return
        raise
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            api_get(api, f'/v2.1/servers/{server_id}')
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return
            raise
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


def drop_rabbitmq(name):
    for args in (['delete_vhost', name], ['delete_user', name]):
        subprocess.run(['rabbitmqctl', '-q', *args], capture_output=True,
                       timeout=60, check=False)


def drop_postgresql(name):
    for sql in (f'DROP DATABASE IF EXISTS "{name}"',
                f'DROP ROLE IF EXISTS "{name}"'):
        subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d',
                        'postgres', '-c', sql], capture_output=True,
                       timeout=60, check=True)
