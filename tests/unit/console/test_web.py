"""The files a console proxy serves: only regular files under the web
directory, with the types browsers need, and 404s that say why."""
import os

import pytest

from nova_core.console import web


@pytest.fixture
def root(tmp_path):
    base = tmp_path / 'novnc'
    (base / 'core' / 'util').mkdir(parents=True)
    (base / 'vnc.html').write_text('<html>full</html>')
    (base / 'vnc_auto.html').symlink_to('vnc.html')  # as Debian ships it
    (base / 'core' / 'util' / 'int.js').write_text('export {};')
    (tmp_path / 'outside.txt').write_text('secret')
    (base / 'escape').symlink_to(tmp_path / 'outside.txt')
    (base / 'up').symlink_to(tmp_path)
    return str(base)


@pytest.mark.parametrize('url_path,relative', [
    ('/vnc.html', 'vnc.html'),
    ('/vnc.html?path=%3Ftoken%3Dabc', 'vnc.html'),
    ('/vnc_auto.html', 'vnc.html'),
    ('/core/util/int.js', 'core/util/int.js'),
    ('/core/util/../util/int.js', 'core/util/int.js'),
    ('/core%2Futil%2Fint.js', 'core/util/int.js'),
    ('/../../vnc.html', 'vnc.html'),  # clamped at the root
])
def test_resolve(root, url_path, relative):
    assert web.resolve(root, url_path) == os.path.join(
        os.path.realpath(root), relative)


@pytest.mark.parametrize('url_path', [
    '/', '', '/core', '/core/', '/missing.js', '/escape', '/up/outside.txt',
    '/%2e%2e/outside.txt', '/vnc.html%00.js',
])
def test_resolve_nothing(root, url_path):
    assert web.resolve(root, url_path) is None


def test_serve_a_file(root):
    reply = web.serve(root, '/core/util/int.js')
    assert (reply.status, reply.body) == (200, b'export {};')
    headers = dict(reply.headers)
    assert headers['Content-Type'] == 'text/javascript'
    assert headers['Content-Length'] == str(len(b'export {};'))
    assert headers['X-Content-Type-Options'] == 'nosniff'


def test_head_has_the_headers_of_get(root):
    reply = web.serve(root, '/vnc.html', 'HEAD')
    assert (reply.status, reply.body) == (200, b'')
    assert dict(reply.headers)['Content-Length'] == str(len(
        '<html>full</html>'))


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE', 'OPTIONS'])
def test_other_methods_are_405(root, method):
    reply = web.serve(root, '/vnc.html', method)
    assert reply.status == 405
    assert dict(reply.headers)['Allow'] == 'GET, HEAD'


def test_serve_nothing_is_404(root):
    reply = web.serve(root, '/escape')
    assert (reply.status, reply.reason) == (404, 'Not Found')
    assert b'secret' not in reply.body


def test_missing_root_says_what_to_install(tmp_path):
    reply = web.serve(str(tmp_path / 'none'), '/vnc_lite.html')
    assert reply.status == 404
    body = reply.body.decode()
    assert '[DEFAULT] web = %s' % (tmp_path / 'none') in body
    assert 'apt-get install novnc' in body and '@novnc/novnc' in body


def test_error_page_escapes_its_text():
    assert b'&lt;b&gt;' in web.error(404, 'Not Found', '<b>').body


@pytest.mark.parametrize('name,expected', [
    ('rfb.js', 'text/javascript'), ('ui.MJS', 'text/javascript'),
    ('vnc.html', 'text/html; charset=utf-8'),
    ('base.css', 'text/css; charset=utf-8'),
    ('defaults.json', 'application/json'), ('error.svg', 'image/svg+xml'),
    ('icon.png', 'image/png'), ('bell.oga', 'audio/ogg'),
    ('Orbitron700.woff', 'font/woff'),
    ('Makefile', 'application/octet-stream'),
])
def test_content_type(name, expected):
    assert web.content_type(name) == expected
