"""noVNC consoles through nova-core-all's noVNC proxy: noVNC's page and
scripts on the proxy's port (``[DEFAULT] web``), the websocket on the
same port, and the fake guest's screen over RFB.

The first tests go as Tempest's test_novnc goes (the page, the upgrade,
the RFB handshake; a bad token dropped with nothing sent), with a client
that speaks the websocket protocol by hand as Tempest's does. The page
test needs noVNC installed (Debian's novnc, /usr/share/novnc): it fails
under CI without it and skips elsewhere.
"""
import http.client
import os
import re
import socket
import struct
import time
import urllib.parse

import pytest
import requests

from nova_core.conf import CONF
from nova_core.db import console_auth_tokens
from nova_core.db.session import transaction
from tests.fixtures import rfb
from tests.fixtures.client import Client
from tests.fixtures.services import require

VNC = {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}}
SERIAL = {'remote_console': {'protocol': 'serial', 'type': 'serial'}}
RED, WHITE, BLACK = b'\xff\0\0\0', b'\xff\xff\xff\0', b'\0\0\0\0'


@pytest.fixture(scope='module')
def server_id(endpoint, image_id):
    api = Client(endpoint)
    server_id = api.boot('vnc-consoled', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    yield server_id
    api.delete('/servers/%s' % server_id)


@pytest.fixture
def proxy(cloud):
    return cloud.console_proxies['novnc']


def _url(api, server_id, body=VNC):
    response = api.post('/servers/%s/remote-consoles' % server_id,
                        json=body)
    assert response.status_code == 200, response.text
    return response.json()['remote_console']['url']


def _open(url, headers=None):
    """The upgraded websocket and the RFB stream on it."""
    ws = rfb.RawWebSocket(url, headers)
    assert ws.response.startswith(b'HTTP/1.1 101 Switching Protocols'), \
        ws.response
    return ws, rfb.Stream(ws)


def test_url_names_the_page_and_the_token(api, server_id, proxy):
    url = _url(api, server_id)
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.port, parts.path) == (
        'http', proxy.port, '/vnc_lite.html')
    assert parts.query.startswith('path=%3Ftoken%3D')
    query = urllib.parse.parse_qs(parts.query)
    assert list(query) == ['path']


def test_page_and_rfb_handshake_as_tempest(api, server_id):
    require(os.path.isdir(CONF.web), 'noVNC is not installed at %s '
            '(apt-get install novnc)' % CONF.web)
    url = _url(api, server_id)
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    assert page.headers['Content-Type'].startswith('text/html')
    assert re.search('<html.*>', page.text) and '</html>' in page.text
    assert 'noVNC' in page.text and '<script' in page.text
    # The page imports core/rfb.js as a module: a JavaScript type or the
    # browser refuses it.
    script = requests.get(urllib.parse.urljoin(url, 'core/rfb.js'),
                          timeout=10)
    assert script.status_code == 200
    assert script.headers['Content-Type'] == 'text/javascript'
    assert 'export default class RFB' in script.text

    ws, stream = _open(url)  # the page did not spend the token
    with ws:
        assert b'upgrade: websocket' in ws.response.lower()
        assert rfb.handshake(stream) == (
            64, 48, struct.pack('>BBBBHHHBBB3x', 32, 24, 0, 1, 255, 255,
                                255, 16, 8, 0), b'nova-core fake guest')


def test_screen_in_the_client_pixel_format(api, server_id):
    ws, stream = _open(_url(api, server_id))
    with ws:
        rfb.handshake(stream)
        # What noVNC sends first, and input: read by their lengths.
        stream.send(b'\0\0\0\0' + rfb.NOVNC_FORMAT)
        stream.send(struct.pack('>BxH3i', 2, 3, 7, 0, -223))
        stream.send(struct.pack('>BBxxI', 4, 1, 0x61))
        stream.send(struct.pack('>BBHH', 5, 1, 10, 20))
        stream.send(struct.pack('>B3xI', 6, 5) + b'hello')
        stream.send(rfb.update_request(0, 0, 64, 48))
        [(x, y, w, h, _, pixels)] = rfb.read_update(stream, 4)
        assert (x, y, w, h) == (0, 0, 64, 48)
        assert len(pixels) == 64 * 48 * 4

        def pixel(px, py):
            offset = (py * 64 + px) * 4
            return pixels[offset:offset + 4]
        assert (pixel(0, 0), pixel(63, 0), pixel(0, 47)) == (
            RED, WHITE, BLACK)
        # An area past the edge is clipped to the screen.
        stream.send(rfb.update_request(60, 40, 10, 10))
        [(x, y, w, h, _, pixels)] = rfb.read_update(stream, 4)
        assert (x, y, w, h, len(pixels)) == (60, 40, 4, 8, 4 * 8 * 4)
        # The screen does not change: an incremental request waits.
        stream.send(rfb.update_request(0, 0, 64, 48, incremental=True))
        ws.sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            ws.frame()


def _spent(api, server_id, proxy):
    url = _url(api, server_id)
    ws, stream = _open(url)
    with ws:
        rfb.handshake(stream)
    return url


def _unknown(api, server_id, proxy):
    return _url(api, server_id).replace('token%3D', 'token%3Dbad')


def _of_serial(api, server_id, proxy):
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(_url(
        api, server_id, SERIAL)).query)['token'][0]
    return _url(api, server_id).split('token%3D')[0] + 'token%3D' + token


def _expired(api, server_id, proxy):
    url = _url(api, server_id)
    later = time.time() + CONF.consoleauth.token_ttl + 1
    proxy.clock = lambda: later
    return url


@pytest.mark.parametrize('token', [_spent, _unknown, _of_serial, _expired],
                         ids=['used', 'unknown', 'serial', 'expired'])
def test_refused_token_gets_nothing(api, server_id, proxy, token):
    """As Tempest's test_novnc_bad_token: upgraded, then dropped without
    a byte (not even a close frame)."""
    try:
        ws, _ = _open(token(api, server_id, proxy))
        with ws:
            assert ws.frame() is None
    finally:
        proxy.clock = time.time


def _get(proxy, path, method='GET'):
    conn = http.client.HTTPConnection(proxy.host, proxy.port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.getheader('Content-Type'), \
            response.read()
    finally:
        conn.close()


@pytest.fixture
def web(tmp_path):
    root = tmp_path / 'web'
    (root / 'core').mkdir(parents=True)
    (root / 'vnc_lite.html').write_text('<html>noVNC</html>')
    (root / 'core' / 'rfb.js').write_text('export default 1;')
    (root / 'app.json').write_text('{}')
    (root / 'logo.png').write_bytes(b'\x89PNG')
    (tmp_path / 'secret').write_text('outside')
    (root / 'link').symlink_to(tmp_path / 'secret')
    (root / 'auto.html').symlink_to(root / 'vnc_lite.html')
    CONF.set_override('web', str(root))
    yield root
    CONF.clear_override('web')


@pytest.mark.parametrize('path,status,content_type,body', [
    ('/vnc_lite.html?path=%3Ftoken%3Dx', 200, 'text/html; charset=utf-8',
     b'<html>noVNC</html>'),
    ('/auto.html', 200, 'text/html; charset=utf-8', b'<html>noVNC</html>'),
    ('/core/rfb.js', 200, 'text/javascript', b'export default 1;'),
    ('/core/../core/rfb.js', 200, 'text/javascript', b'export default 1;'),
    ('/app.json', 200, 'application/json', b'{}'),
    ('/logo.png', 200, 'image/png', b'\x89PNG'),
    ('/', 404, None, None),
    ('/core', 404, None, None),
    ('/core/', 404, None, None),
    ('/nothing.html', 404, None, None),
    ('/../secret', 404, None, None),
    ('/%2e%2e/secret', 404, None, None),
    ('//../secret', 404, None, None),
    ('/link', 404, None, None),
    ('/vnc_lite.html%00', 404, None, None),
])
def test_files_of_the_web_directory(proxy, web, path, status, content_type,
                                    body):
    got_status, got_type, got_body = _get(proxy, path)
    assert got_status == status
    if status == 200:
        assert (got_type, got_body) == (content_type, body)
    else:
        assert got_type == 'text/html; charset=utf-8'
        assert b'404 Not Found' in got_body


def test_head_and_other_methods(proxy, web):
    assert _get(proxy, '/core/rfb.js', 'HEAD') == (
        200, 'text/javascript', b'')
    status, _, body = _get(proxy, '/core/rfb.js', 'POST')
    assert status == 405 and b'Only GET and HEAD' in body


def test_no_web_directory_is_a_404_that_says_so(proxy, tmp_path):
    CONF.set_override('web', str(tmp_path / 'nowhere'))
    try:
        status, _, body = _get(proxy, '/vnc_lite.html?path=%3Ftoken%3Dx')
    finally:
        CONF.clear_override('web')
    assert status == 404
    assert b'noVNC is not installed' in body
    assert str(tmp_path / 'nowhere').encode() in body
    assert b'apt-get install novnc' in body


def test_serial_proxy_serves_no_pages(cloud, web):
    serial = cloud.console_proxies['serial']
    status, _, _ = _get(serial, '/vnc_lite.html')
    assert status == 426  # Upgrade Required: websockets only


@pytest.mark.parametrize('origin', [
    'http://evil.example', 'https://127.0.0.1', 'null', 'http://',
    'http://127.0.0.1.evil.example'])
def test_a_page_of_another_origin_is_refused_and_the_token_kept(
        api, server_id, origin):
    """As Nova's proxies: a browser's Origin must be the host the console
    URL names, with its scheme; the refused connection spends nothing."""
    url = _url(api, server_id)
    ws, _ = _open(url, {'Origin': origin})
    with ws:
        assert ws.frame() is None
    host = urllib.parse.urlsplit(url).netloc
    ws, stream = _open(url, {'Origin': 'http://%s' % host})
    with ws:
        assert rfb.handshake(stream)[:2] == (64, 48)


def test_allowed_origins_and_a_forwarded_scheme(api, server_id, conf):
    conf.config(group='console', allowed_origins=['console.example'])
    ws, stream = _open(_url(api, server_id),
                       {'Origin': 'http://console.example'})
    with ws:
        assert rfb.handshake(stream)[:2] == (64, 48)
    # TLS ended in front of the proxy: the page is https, the base URL
    # http, so X-Forwarded-Proto says https and the scheme no longer fits.
    ws, _ = _open(_url(api, server_id),
                  {'Origin': 'https://console.example',
                   'X-Forwarded-Proto': 'https'})
    with ws:
        assert ws.frame() is None


def _token(url):
    return rfb.websocket_path(url).split('token=', 1)[1]


def _point_token_at(url, port):
    with transaction() as session:
        session.execute(console_auth_tokens.CT.update().where(
            console_auth_tokens.CT.c.token_hash ==
            console_auth_tokens.token_hash(_token(url))).values(port=port))


def test_a_token_whose_console_moved_opens_nothing(api, server_id, proxy):
    """As Nova's proxies validate the console port: the compute host is
    asked where the guest's console is now; a token that points
    elsewhere (its guest restarted or moved since, and another guest may
    have its port) is refused."""
    url = _url(api, server_id)
    # Something listens where the token now points, so only the check
    # can refuse it.
    with socket.create_server(('127.0.0.1', 0)) as other:
        _point_token_at(url, other.getsockname()[1])
        ws, _ = _open(url)
        with ws:
            assert ws.frame() is None
        other.settimeout(0.5)
        with pytest.raises(TimeoutError):
            other.accept()
