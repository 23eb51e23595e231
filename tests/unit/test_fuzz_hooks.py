"""The stateful fuzz's confirmed checks (tests/integration/fuzz_hooks.py)
against a small HTTP server: a failure of schemathesis's own check is
reported only when the API itself confirms it."""
import http.server
import threading
import types

import pytest
from schemathesis.openapi.checks import UseAfterFree

from tests.integration import fuzz_hooks

SERVER = '/v2.1/servers/3d1c0f8e-0000-4000-8000-000000000001'


class _Api(http.server.BaseHTTPRequestHandler):
    #: GETs of SERVER answered 200 before it is gone (None: never).
    reads_before_gone = 0
    reads = 0

    def do_GET(self):
        cls = type(self)
        cls.reads += 1
        there = (self.path == SERVER and
                 (cls.reads_before_gone is None or
                  cls.reads <= cls.reads_before_gone))
        self.send_response(200 if there else 404)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Api.reads = 0
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()


def _response(root, path):
    request = types.SimpleNamespace(
        url=root + path, headers={'X-Auth-Token': 'admin:admin',
                                  'OpenStack-API-Version': 'compute 2.100'})
    return types.SimpleNamespace(request=request)


def _use_after_free(*args):
    raise UseAfterFree(operation='DELETE /v2.1/servers/{server_id}',
                       message='still there', free='DELETE ' + SERVER,
                       usage='GET %s/metadata' % SERVER)


@pytest.fixture
def reported(monkeypatch):
    monkeypatch.setattr(fuzz_hooks, 'use_after_free', _use_after_free)
    monkeypatch.setattr(fuzz_hooks, 'DELETE_SECONDS', 1)


def test_an_asynchronous_delete_that_completes_passes(api, reported):
    _Api.reads_before_gone = 3
    assert fuzz_hooks.deleted_resource_gone(
        None, _response(api, SERVER + '/metadata'), None) is None
    assert _Api.reads == 4


def test_a_resource_that_stays_fails(api, reported):
    _Api.reads_before_gone = None
    with pytest.raises(UseAfterFree):
        fuzz_hooks.deleted_resource_gone(
            None, _response(api, SERVER + '/metadata'), None)


def test_created_resource_confirmed_by_its_own_get(api, monkeypatch):
    def not_found(*args):
        raise UseAfterFree(operation='x', message='m', free='f', usage='u')
    monkeypatch.setattr(fuzz_hooks, 'ensure_resource_availability',
                        not_found)
    case = types.SimpleNamespace(
        path='/v2.1/servers/{server_id}/os-flavor-access',
        path_parameters={'server_id': SERVER.rsplit('/', 1)[1]})
    _Api.reads_before_gone = None
    assert fuzz_hooks.created_resource_still_there(
        None, _response(api, SERVER + '/x'), case) is None
    _Api.reads_before_gone = 0
    with pytest.raises(UseAfterFree):
        fuzz_hooks.created_resource_still_there(
            None, _response(api, SERVER + '/x'), case)
