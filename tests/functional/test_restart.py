"""nova-core-all stopped and started again on the same state directory, as
a user runs it (a process of its own, SIGTERM): nothing a user sees
changes, every action works afterwards, a lost guest is recreated, the
guest of a server deleted meanwhile is reaped, and a second nova-core-all
on the same directory is refused."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.fixtures.client import Client

CONF_TEXT = """
[DEFAULT]
state_path = %(state)s
transport_url = local://
osapi_compute_listen_port = 0
use_stderr = false
log_file = %(state)s/nova-core.log
"""
SCRIPT = os.path.join(os.path.dirname(sys.executable), 'nova-core-all')


class Process:
    """One nova-core-all, started and stopped like a user would."""

    def __init__(self, state):
        self.state = state
        self.conf_file = state / 'nova.conf'
        self.conf_file.write_text(CONF_TEXT % {'state': state})
        self.proc = None
        self.endpoint = None

    def start(self):
        self.proc = subprocess.Popen(
            [SCRIPT, '--config-file', str(self.conf_file)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith('nova-core-all ready: '), (
            line + self.proc.stderr.read())
        self.endpoint = line.split()[2]
        return self

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=60) == 0
        self.proc.stdout.close()
        self.proc.stderr.close()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def cloud(tmp_path):
    process = Process(tmp_path)
    yield process.start()
    process.kill()


def _image(api):
    images = Client(api.endpoint, version=None).get('/images').json()
    return images['images'][0]['id']


def _settle(api, admin, image):
    """One server in each stable state; returns {status: server id}."""
    servers = {}
    for status in ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR'):
        servers[status] = api.boot('restart-' + status.lower(),
                                   image=image)['id']
    for server_id in servers.values():
        api.wait_for(server_id, 'ACTIVE')
    for status, body in (('SHUTOFF', {'os-stop': None}),
                         ('PAUSED', {'pause': None}),
                         ('SUSPENDED', {'suspend': None})):
        assert api.action(servers[status], body).status_code == 202
        api.wait_for(servers[status], status)
    assert admin.action(servers['ERROR'], {
        'os-resetState': {'state': 'error'}}).status_code == 202
    return servers


def _seen(api, servers):
    return {status: (s['status'], s['OS-EXT-STS:power_state'])
            for status, s in ((k, api.server(v))
                              for k, v in servers.items())}


def _clients(endpoint):
    return Client(endpoint), Client(endpoint, token='admin:admin')


def test_a_restart_changes_nothing_and_every_action_works(cloud):
    api, admin = _clients(cloud.endpoint)
    servers = _settle(api, admin, _image(api))
    before = _seen(api, servers)
    assert before == {'ACTIVE': ('ACTIVE', 1), 'SHUTOFF': ('SHUTOFF', 4),
                      'PAUSED': ('PAUSED', 3), 'SUSPENDED': ('SUSPENDED', 7),
                      'ERROR': ('ERROR', 1)}
    cloud.stop()
    cloud.start()
    api, admin = _clients(cloud.endpoint)
    assert _seen(api, servers) == before

    for status, body, then in (
            ('SHUTOFF', {'os-start': None}, 'ACTIVE'),
            ('ACTIVE', {'reboot': {'type': 'HARD'}}, 'ACTIVE'),
            ('PAUSED', {'unpause': None}, 'ACTIVE'),
            ('SUSPENDED', {'resume': None}, 'ACTIVE'),
            ('SUSPENDED', {'pause': None}, 'PAUSED'),
            ('ERROR', {'reboot': {'type': 'HARD'}}, 'ACTIVE')):
        response = api.action(servers[status], body)
        assert response.status_code == 202, response.text
        api.wait_for(servers[status], then)
    assert api.action(servers['ACTIVE'], {'os-stop': None}
                      ).status_code == 202
    api.wait_for(servers['ACTIVE'], 'SHUTOFF')
    snapshot = api.action(servers['PAUSED'], {'createImage': {
        'name': 'after-restart'}})
    assert snapshot.status_code == 202, snapshot.text
    api.wait_for(servers['PAUSED'], 'ACTIVE')
    response = api.get('%s/image/v2/images/%s' % (
        api.root, snapshot.json()['image_id']))
    assert response.json()['status'] == 'active', response.text


def _guest_files(state):
    """The fake hypervisor's guests on disk: one file per guest."""
    (host,) = (state / 'fake-hypervisor').iterdir()
    return {path.stem: path for path in host.glob('*.json')}


def test_a_lost_guest_is_recreated_by_start_and_hard_reboot(cloud):
    api, _admin = _clients(cloud.endpoint)
    image = _image(api)
    started, rebooted = (api.boot(name, image=image)['id']
                         for name in ('lost-start', 'lost-reboot'))
    for server_id in (started, rebooted):
        api.wait_for(server_id, 'ACTIVE')
    cloud.stop()
    for path in _guest_files(cloud.state).values():
        path.unlink()  # the hypervisor lost every guest
    cloud.start()
    api, _admin = _clients(cloud.endpoint)
    for server_id, body in ((started, {'os-start': None}),
                            (rebooted, {'reboot': {'type': 'HARD'}})):
        assert api.server(server_id)['status'] == 'SHUTOFF'
        assert api.action(server_id, body).status_code == 202
        shown = api.wait_for(server_id, 'ACTIVE')
        assert shown['OS-EXT-STS:power_state'] == 1
    assert set(_guest_files(cloud.state)) == {started, rebooted}


def test_the_guest_of_a_server_deleted_meanwhile_is_reaped(cloud):
    api, _admin = _clients(cloud.endpoint)
    server_id = api.boot('reaped', image=_image(api))['id']
    api.wait_for(server_id, 'ACTIVE')
    cloud.stop()
    # Deleted while its host was down: the database alone knows.
    with sqlite3.connect(cloud.state / 'nova-core.sqlite') as db:
        db.execute("UPDATE instances SET deleted = id, vm_state = 'deleted',"
                   " host = NULL WHERE uuid = ?", (server_id,))
    assert server_id in _guest_files(cloud.state)
    cloud.start()
    assert server_id not in _guest_files(cloud.state)


def test_a_second_nova_core_all_on_the_same_state_is_refused(cloud):
    second = subprocess.run(
        [SCRIPT, '--config-file', str(cloud.conf_file)],
        capture_output=True, text=True, timeout=60)
    assert second.returncode != 0
    assert 'in use by another nova-core-all (pid %d)' % cloud.proc.pid in \
        second.stderr
    api, _admin = _clients(cloud.endpoint)
    assert api.get('/servers').status_code == 200


def test_a_compute_stopped_gracefully_is_down_at_once(cloud):
    api, admin = _clients(cloud.endpoint)
    cloud.stop()
    with sqlite3.connect(cloud.state / 'nova-core.sqlite') as db:
        rows = db.execute("SELECT binary, last_seen_up FROM services"
                          ).fetchall()
    assert dict(rows)['nova-compute'] is None
    cloud.start()
    api, admin = _clients(cloud.endpoint)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        states = {s['binary']: s['state'] for s in admin.get(
            '/os-services').json()['services']}
        if states.get('nova-compute') == 'up':
            break
        time.sleep(0.1)
    assert states['nova-compute'] == 'up'
