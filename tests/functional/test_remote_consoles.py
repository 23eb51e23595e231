"""Remote consoles: a URL from the API, a websocket through the proxy that
nova-core-all runs, bytes to the fake guest's echoing serial console and
back (its VNC console speaks RFB: tests/functional/test_novnc.py)."""
import os
import time
import urllib.parse

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from nova_core.conf import CONF
from tests.fixtures.client import Client

SERIAL = {'remote_console': {'protocol': 'serial', 'type': 'serial'}}
VNC = {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}}


@pytest.fixture(scope='module')
def server_id(endpoint, image_id):
    api = Client(endpoint)
    server_id = api.boot('consoled', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    yield server_id
    api.delete('/servers/%s' % server_id)


def _console(api, server_id, body=SERIAL):
    response = api.post('/servers/%s/remote-consoles' % server_id,
                        json=body)
    assert response.status_code == 200, response.text
    return response.json()['remote_console']


def _ws_url(url):
    """Where a client opens the websocket: noVNC's page URL names it in
    its ``path`` parameter."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    if 'path' in query:
        return 'ws://%s/%s' % (parts.netloc, query['path'][0].lstrip('/'))
    return url


def _echo(url, data=b'hello console\r\n'):
    with connect(_ws_url(url), subprotocols=['binary'],
                 open_timeout=5) as ws:
        ws.send(data)
        assert ws.recv(timeout=5) == data


def _greeted_by_rfb(url):
    with connect(_ws_url(url), subprotocols=['binary'],
                 open_timeout=5) as ws:
        assert ws.recv(timeout=5) == b'RFB 003.008\n'


def _refused(url):
    """Dropped after the upgrade, with nothing relayed, not even a close
    frame (as Nova's websockify proxies drop it)."""
    with connect(_ws_url(url), open_timeout=5) as ws:
        with pytest.raises(ConnectionClosed) as caught:
            ws.recv(timeout=5)
    assert caught.value.rcvd is None


@pytest.mark.parametrize('body,opened', [(SERIAL, _echo),
                                         (VNC, _greeted_by_rfb)],
                         ids=['serial', 'novnc'])
def test_round_trip_through_the_proxy(api, server_id, body, opened):
    console = _console(api, server_id, body)
    wanted = body['remote_console']
    assert {k: console[k] for k in ('protocol', 'type')} == wanted
    opened(console['url'])


def test_token_opens_one_connection(api, server_id):
    url = _console(api, server_id)['url']
    _echo(url)
    _refused(url)


def test_unknown_token_refused(api, server_id):
    url = _console(api, server_id)['url']
    _refused(url.replace('token=', 'token=bad'))
    parts = urllib.parse.urlsplit(url)
    _refused('ws://%s/' % parts.netloc)


def test_expired_token_refused(api, server_id, cloud):
    url = _console(api, server_id)['url']
    proxy = cloud.console_proxies['serial']
    later = time.time() + CONF.consoleauth.token_ttl + 1
    proxy.clock = lambda: later
    try:
        _refused(url)
    finally:
        proxy.clock = time.time


def test_serial_token_does_not_open_vnc(api, server_id, cloud):
    url = _console(api, server_id)['url']
    vnc = cloud.console_proxies['novnc']
    _refused(url.replace(':%d/' % cloud.console_proxies['serial'].port,
                         ':%d/' % vnc.port))


def test_actions_before_2_6(endpoint, server_id):
    old = Client(endpoint, version='2.5')
    for action, kind, opened in (
            ('os-getSerialConsole', 'serial', _echo),
            ('os-getVNCConsole', 'novnc', _greeted_by_rfb)):
        response = old.post('/servers/%s/action' % server_id,
                            json={action: {'type': kind}})
        assert response.status_code == 200, response.text
        console = response.json()['console']
        assert console['type'] == kind
        opened(console['url'])
    spice = old.post('/servers/%s/action' % server_id,
                     json={'os-getSPICEConsole': {'type': 'spice-html5'}})
    assert spice.status_code == 400
    assert 'Unavailable console type spice-html5.' in spice.text
    assert old.post('/servers/%s/remote-consoles' % server_id,
                    json=SERIAL).status_code == 404
    new = Client(endpoint, version='2.6')
    assert new.post('/servers/%s/action' % server_id, json={
        'os-getSerialConsole': {'type': 'serial'}}).status_code == 404


def _body(protocol, kind):
    return {'remote_console': {'protocol': protocol, 'type': kind}}


@pytest.mark.parametrize('version,body,message', [
    ('2.6', {}, None),
    ('2.6', {'remote_console': {'protocol': 'serial'}}, None),
    ('2.6', _body('telnet', 'serial'), None),
    ('2.6', {'remote_console': dict(_body('serial', 'serial')[
        'remote_console'], extra=1)}, None),
    ('2.6', _body('mks', 'webmks'), None),
    ('2.8', _body('mks', 'webmks'), 'Unavailable console type webmks.'),
    ('2.98', _body('spice', 'spice-direct'), None),
    ('2.6', _body('rdp', 'rdp-html5'), 'Unavailable console type rdp.'),
    ('2.6', _body('spice', 'spice-html5'),
     'Unavailable console type spice-html5.'),
    ('2.6', _body('serial', 'novnc'), 'Invalid console type novnc'),
    ('2.6', _body('vnc', 'xvpvnc'), 'Invalid console type xvpvnc'),
])
def test_bad_requests(endpoint, server_id, version, body, message):
    response = Client(endpoint, version=version).post(
        '/servers/%s/remote-consoles' % server_id, json=body)
    assert response.status_code == 400, response.text
    if message:
        assert response.json()['badRequest']['message'] == message


def test_console_not_enabled(api, server_id):
    CONF.set_override('enabled', False, group='serial_console')
    try:
        response = api.post('/servers/%s/remote-consoles' % server_id,
                            json=SERIAL)
    finally:
        CONF.clear_override('enabled', group='serial_console')
    assert response.status_code == 400
    assert response.json()['badRequest']['message'] == \
        'Unavailable console type serial.'


def test_not_ready_is_409(api, image_id):
    CONF.set_override('spawn_delay', 3, group='fake')
    try:
        server_id = api.boot('slow-console', image=image_id)['id']
        response = api.post('/servers/%s/remote-consoles' % server_id,
                            json=SERIAL)
    finally:
        CONF.clear_override('spawn_delay', group='fake')
    assert response.status_code == 409, response.text
    assert 'is not ready' in response.text
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    api.delete('/servers/%s' % server_id)


def test_deleted_server_is_404_and_its_token_refused(api, image_id):
    server_id = api.boot('short-lived', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    url = _console(api, server_id)['url']
    api.delete('/servers/%s' % server_id)
    api.wait_gone(server_id)
    _refused(url)
    assert api.post('/servers/%s/remote-consoles' % server_id,
                    json=SERIAL).status_code == 404


def test_policy(endpoint, server_id):
    other = Client(endpoint, token='other:other')
    assert other.post('/servers/%s/remote-consoles' % server_id,
                      json=SERIAL).status_code == 404
    reader = Client(endpoint)
    reader.session.headers['X-Roles'] = 'reader'
    response = reader.post('/servers/%s/remote-consoles' % server_id,
                           json=SERIAL)
    assert response.status_code == 403, response.text
    admin = Client(endpoint, token='admin:admin')
    _echo(_console(admin, server_id)['url'])


def test_answers_as_tempest_expects(endpoint, server_id):
    from tests.functional.test_tempest_schemas import (
        _PYTHON,
        _tempest_refuses,
    )
    if not os.path.exists(_PYTHON):
        pytest.skip('no Tempest venv at %s' % _PYTHON)
    path = '/servers/%s' % server_id
    answers = [
        ('v2_1.servers', 'get_vnc_console', Client(
            endpoint, version='2.5').post(path + '/action', json={
                'os-getSerialConsole': {'type': 'serial'}}))]
    for version in ('2.6', '2.8', '2.99', '2.100'):
        module = 'v%s.servers' % version.replace('.', '_')
        for body in (SERIAL, VNC):
            answers.append((module, 'get_remote_consoles', Client(
                endpoint, version=version).post(
                    path + '/remote-consoles', json=body)))
    assert [a[2].status_code for a in answers] == [200] * len(answers)
    assert _tempest_refuses(answers) == []
