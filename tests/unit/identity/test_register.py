"""``python -m nova_core.identity.register``: passwords from the
environment only, and "changed" only when Keystone was changed."""
import json
from unittest import mock

import pytest
from keystoneauth1 import adapter

from nova_core.identity import catalog, register

ARGS = ['--auth-url', 'http://ks:5000/v3', '--api-url', 'http://api:8774',
        '--compute-user', 'nova-compute']
ENV = {'NOVA_CORE_KEYSTONE_ADMIN_PASSWORD': 'a',
       'NOVA_CORE_NOVA_PASSWORD': 'n', 'NOVA_CORE_COMPUTE_PASSWORD': 'c'}


@pytest.mark.parametrize('missing', sorted(ENV))
def test_each_password_comes_from_the_environment(monkeypatch, missing):
    for name, value in ENV.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing, raising=False)
    with pytest.raises(SystemExit):
        register.parse_args(ARGS)


def _response(status, body=None):
    resp = mock.Mock(status_code=status)
    resp.json.return_value = body or {}
    return resp


class FakeKeystone:
    """Just enough of the Identity API for one registration: every
    collection starts empty, or full of what a first run made."""

    def __init__(self, registered):
        self.registered = registered
        self.writes = []

    def get(self, path, params=None, raise_exc=True):
        if path.startswith('/regions/'):
            return _response(200)
        collection = path.strip('/')
        item = {'id': collection + '-id'}
        if collection == 'services':
            item['id'] = 'service-' + params['type']
        if collection == 'endpoints':
            item['url'] = 'http://api:8774' + (
                '/v2.1' if params['service_id'] == 'service-compute'
                else '/image')
        return _response(200, {collection: [item] if self.registered
                               else []})

    def head(self, path, raise_exc=True):
        return _response(204 if self.registered else 404)

    def post(self, path, json=None, authenticated=True, raise_exc=True):
        if path == '/auth/tokens':
            return _response(201 if self.registered else 401)
        self.writes.append(('POST', path))
        key = path.strip('/')[:-1]
        return _response(201, {key: {'id': key + '-id'}})

    def put(self, path):
        self.writes.append(('PUT', path))

    def patch(self, path, json=None):
        self.writes.append(('PATCH', path))


@pytest.mark.parametrize('registered', [False, True])
def test_changed_only_when_keystone_changed(monkeypatch, capsys, registered):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    keystone = FakeKeystone(registered)
    api = mock.create_autospec(adapter.Adapter, instance=True)
    for name in ('get', 'head', 'post', 'put', 'patch'):
        getattr(api, name).side_effect = getattr(keystone, name)
    with mock.patch.object(catalog.adapter, 'Adapter', return_value=api), \
            mock.patch.object(catalog, 'require_service'):
        assert register.main(ARGS) == 0
    out = json.loads(capsys.readouterr().out)
    assert out['changed'] is (not registered), out
    assert bool(keystone.writes) is (not registered), keystone.writes
    if not registered:
        assert 'created user nova-compute' in out['changes']
