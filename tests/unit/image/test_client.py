"""ImageClient against a small Glance v2 server on 127.0.0.1."""
import hashlib
import http.server
import io
import json
import logging
import os
import socket
import threading

import pytest
from oslo_config import cfg

from nova_core import exception
from nova_core.conf import glance as glance_conf
from nova_core.image import client as image_client

IMAGE_ID = '6f1e6a6c-6c4b-4b8e-9a77-5d2f1b1d2c3e'
DATA = os.urandom(3 * 1024 * 1024 + 17)


class Context:
    auth_token = 'alice:demo'
    user_id, project_id, is_admin = 'alice', 'demo', False


class GlanceHandler(http.server.BaseHTTPRequestHandler):
    """Serves one image; behaviour set on the server object."""

    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def _reply(self, code, body=b'', headers=None):
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _route(self):
        srv = self.server
        srv.requests.append((self.command, self.path, dict(self.headers)))
        if srv.fail_status:
            return self._reply(srv.fail_status, b'oops')
        prefix = f'/image/v2/images/{IMAGE_ID}'
        if not self.path.startswith(prefix):
            return self._reply(404, b'{"message": "not found"}')
        return self.path[len(prefix):]

    def do_GET(self):
        rest = self._route()
        if rest == '':
            doc = {'id': IMAGE_ID, 'name': 'cirros', 'status': 'active',
                   'disk_format': 'qcow2', 'container_format': 'bare',
                   'size': len(DATA), 'checksum': self.server.checksum,
                   'min_ram': 0, 'min_disk': 1, 'visibility': 'public',
                   'kernel_id': 'k-1', 'os_command_line': 'console=ttyS0'}
            self._reply(200, json.dumps(doc).encode(),
                        {'Content-Type': 'application/json'})
        elif rest == '/file':
            self._reply(200, DATA, {'Content-MD5': self.server.checksum,
                                    'Content-Type':
                                    'application/octet-stream'})

    def do_PATCH(self):
        if self._route() is None:
            return
        body = self.rfile.read(int(self.headers['Content-Length']))
        self.server.patches.append(json.loads(body))
        self._reply(self.server.patch_status, b'{}')

    def do_PUT(self):
        if self._route() is None:
            return
        if self.headers.get('Transfer-Encoding') == 'chunked':
            body = self._read_chunked()
        else:
            body = self.rfile.read(int(self.headers['Content-Length']))
        self.server.uploaded = body
        self._reply(204)

    def _read_chunked(self):
        body = b''
        while (size := int(self.rfile.readline().strip(), 16)):
            body += self.rfile.read(size)
            self.rfile.readline()
        self.rfile.readline()
        return body


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), GlanceHandler)
    srv.requests, srv.patches, srv.uploaded = [], [], None
    srv.checksum = hashlib.md5(DATA).hexdigest()
    srv.fail_status, srv.patch_status = None, 200
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,),
                              daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def conf(server):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf([], project='nova-core-test')
    url = f'http://127.0.0.1:{server.server_address[1]}/image'
    conf.set_override('api_servers', [url], group='glance')
    conf.set_override('progress_log_min_mb', 1, group='glance')
    conf.set_override('num_retries', 1, group='glance')
    return conf


@pytest.fixture
def client(conf):
    return image_client.ImageClient(conf)


def test_show_returns_image_meta_with_token(client, server):
    meta = client.show(Context(), IMAGE_ID)
    assert meta['id'] == IMAGE_ID
    assert meta['disk_format'] == 'qcow2'
    assert meta['min_disk'] == 1
    assert meta['properties'] == {'kernel_id': 'k-1',
                                  'os_command_line': 'console=ttyS0'}
    method, path, headers = server.requests[0]
    assert (method, path) == ('GET', f'/image/v2/images/{IMAGE_ID}')
    assert headers['X-Auth-Token'] == 'alice:demo'


def test_show_unknown_image(client):
    with pytest.raises(exception.ImageNotFound):
        client.show(Context(), 'nope')


def test_download_verifies_and_logs_progress(client, tmp_path, caplog):
    dest = tmp_path / 'img'
    with caplog.at_level(logging.INFO, logger=image_client.__name__):
        client.download(Context(), IMAGE_ID, str(dest))
    assert dest.read_bytes() == DATA
    progress = [r.getMessage() for r in caplog.records
                if '%' in r.getMessage()]
    assert len(progress) == 10
    assert progress[-1].startswith(f'Downloading image {IMAGE_ID}: 100%')
    assert os.listdir(tmp_path) == ['img']


@pytest.mark.parametrize('server_sum, expected', [
    ('0' * 32, None),           # server's Content-MD5 disagrees with data
    (None, 'f' * 32),           # caller's checksum disagrees with data
])
def test_download_checksum_mismatch_leaves_nothing(client, server, tmp_path,
                                                   server_sum, expected):
    if server_sum:
        server.checksum = server_sum
    with pytest.raises(exception.ImageChecksumMismatch):
        client.download(Context(), IMAGE_ID, str(tmp_path / 'img'),
                        checksum=expected)
    assert os.listdir(tmp_path) == []


def test_download_without_verification(client, conf, server, tmp_path):
    conf.set_override('verify_checksum', False, group='glance')
    server.checksum = '0' * 32
    client.download(Context(), IMAGE_ID, str(tmp_path / 'img'))
    assert (tmp_path / 'img').read_bytes() == DATA


def test_download_missing_image(client, tmp_path):
    with pytest.raises(exception.ImageNotFound):
        client.download(Context(), 'nope', str(tmp_path / 'img'))
    assert os.listdir(tmp_path) == []


def test_next_server_tried_when_one_is_down(conf, server, tmp_path):
    good = conf.glance.api_servers[0]
    conf.set_override('api_servers',
                      [f'http://127.0.0.1:{_free_port()}/image', good],
                      group='glance')
    image_client.ImageClient(conf).download(Context(), IMAGE_ID,
                                            str(tmp_path / 'img'))
    assert (tmp_path / 'img').read_bytes() == DATA


def test_server_errors_retried_then_raised(client, server):
    server.fail_status = 503
    with pytest.raises(exception.ImageServiceError, match='HTTP 503'):
        client.show(Context(), IMAGE_ID)
    assert len(server.requests) == 2  # num_retries = 1


@pytest.mark.parametrize('sized', [True, False])
def test_upload_puts_octet_stream(client, server, tmp_path, sized):
    if sized:
        path = tmp_path / 'snap'
        path.write_bytes(DATA)
        fileobj = open(path, 'rb')  # noqa: SIM115 - closed below
    else:
        fileobj = io.BytesIO(DATA)  # no fileno: sent chunked
    with fileobj:
        client.upload(Context(), IMAGE_ID, fileobj, 'qcow2')
    assert server.uploaded == DATA
    assert server.patches == [[{'op': 'replace', 'path': '/disk_format',
                                'value': 'qcow2'}]]
    method, path, headers = server.requests[-1]
    assert (method, path) == ('PUT', f'/image/v2/images/{IMAGE_ID}/file')
    assert headers['Content-Type'] == 'application/octet-stream'
    assert headers['X-Auth-Token'] == 'alice:demo'


def test_upload_when_patch_not_allowed(client, server):
    server.patch_status = 405
    client.upload(Context(), IMAGE_ID, io.BytesIO(b'abc'), 'qcow2')
    assert server.uploaded == b'abc'


def test_to_image_meta_keeps_custom_properties():
    meta = image_client.to_image_meta({
        'id': 'i', 'name': 'n', 'status': 'active', 'tags': [],
        'ramdisk_id': 'r'})
    assert meta['properties'] == {'ramdisk_id': 'r'}
    assert meta['checksum'] is None
