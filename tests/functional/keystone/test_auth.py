"""Keystone tokens at the API: who may do what, and every bad token."""
import os
import signal
import urllib.parse

import pytest
import requests

from nova_core.bootstrap import STARTER_IMAGE
from tests.fixtures import keystone
from tests.fixtures.client import Client
from tests.fixtures.net import port_open


def _image_id(client):
    images = client.as_user(version=None).get(
        '/images', params={'name': STARTER_IMAGE}).json()['images']
    return images[0]['id']


@pytest.mark.parametrize('path', ['/', '/v2.1', '/v2.1/', '/image',
                                  '/image/', '/v2.1/openapi.json'])
def test_version_documents_need_no_token(ks_cloud, path):
    resp = requests.get(ks_cloud.api_url + path, timeout=30)
    assert resp.status_code in (200, 300), resp.text


def test_image_versions_document_is_glances(ks_cloud):
    resp = requests.get(ks_cloud.api_url + '/image', timeout=30)
    assert resp.status_code == 300
    [version] = resp.json()['versions']
    assert version['status'] == 'CURRENT'
    assert version['links'][0]['href'] == ks_cloud.api_url + '/image/v2/'


@pytest.mark.parametrize('headers', [
    {}, {'X-Auth-Token': 'gAAAAAB-not-a-fernet-token'},
    {'X-Auth-Token': 'admin:admin'}, {'X-Auth-Token': ''}],
    ids=['none', 'malformed', 'noauth2-style', 'empty'])
def test_missing_or_malformed_token_is_401_naming_keystone(ks_cloud,
                                                           headers):
    resp = requests.get(ks_cloud.endpoint + '/servers', headers=headers,
                        timeout=30)
    assert resp.status_code == 401
    assert resp.json() == {'unauthorized': {
        'code': 401, 'message': 'Authentication required.'}}
    assert resp.headers['WWW-Authenticate'] == \
        'Keystone uri="%s"' % ks_cloud.auth_url


def test_roles_reach_policy(as_user, ks_cloud):
    # a member creates; a reader of the same project reads but may not
    # create; a member is no administrator
    alice, rita = as_user('alice'), as_user('rita')
    server = alice.boot('ks-roles', image=_image_id(alice))
    alice.wait_for(server['id'], 'ACTIVE')
    assert rita.get('/servers/%s' % server['id']).status_code == 200
    resp = rita.boot('ks-reader', image=_image_id(rita), expect=403)
    assert 'os_compute_api:servers:create' in resp.text
    for path in ('/os-hypervisors', '/os-services', '/os-quota-sets/%s'
                 % ks_cloud.ids['beta']):
        assert alice.get(path).status_code == 403, path
    assert alice.delete('/servers/%s' % server['id']).status_code == 204


def test_projects_do_not_see_each_others_servers(as_user):
    alice, bob, admin = as_user('alice'), as_user('bob'), as_user('admin')
    server = alice.boot('ks-alpha-only', image=_image_id(alice))
    assert bob.get('/servers/%s' % server['id']).status_code == 404
    assert server['id'] not in [s['id'] for s in
                                bob.get('/servers').json()['servers']]
    listed = admin.get('/servers', params={'all_tenants': '1'}).json()
    assert server['id'] in [s['id'] for s in listed['servers']]
    shown = admin.get('/servers/%s' % server['id']).json()['server']
    assert shown['tenant_id'] == alice.get(
        '/servers/%s' % server['id']).json()['server']['tenant_id']
    assert alice.delete('/servers/%s' % server['id']).status_code == 204


def test_context_carries_keystone_identity(as_user, ks_cloud):
    alice = as_user('alice')
    server = alice.boot('ks-identity', image=_image_id(alice))
    shown = alice.server(server['id'])
    assert shown['tenant_id'] == ks_cloud.ids['alpha']
    assert shown['user_id'] == ks_cloud.ids['alice']
    alice.delete('/servers/%s' % server['id'])


def test_revoked_token_is_401(ks_cloud):
    token = ks_cloud.token('alice')
    admin = ks_cloud.token('admin')
    resp = requests.delete(ks_cloud.auth_url + '/auth/tokens', timeout=30,
                           headers={'X-Auth-Token': admin,
                                    'X-Subject-Token': token})
    assert resp.status_code == 204
    assert Client(ks_cloud.endpoint, token=token).get(
        '/servers').status_code == 401


def test_expired_token_is_401(ks_cloud):
    token = ks_cloud.crafted_token('alice', expires_in=-60)
    assert Client(ks_cloud.endpoint, token=token).get(
        '/servers').status_code == 401
    # the same user's token that has not expired is fine
    fresh = ks_cloud.crafted_token('alice', expires_in=600)
    assert Client(ks_cloud.endpoint, token=fresh).get(
        '/servers').status_code == 200


def test_token_of_a_deleted_project_is_401(ks_cloud):
    admin = ks_cloud.admin()
    user, project = admin.ensure_account('dora', 'pw-dora', 'doomed',
                                         ['member'])
    ks_cloud.passwords['dora'] = 'pw-dora'
    token = ks_cloud.token('dora', project='doomed')
    admin.api.delete('/projects/%s' % project['id'])
    assert Client(ks_cloud.endpoint, token=token).get(
        '/servers').status_code == 401


def test_token_scoped_to_a_foreign_domain_is_401(ks_cloud):
    # a valid token, but scoped to a domain rather than a project: the
    # Compute API has nothing for it
    admin = ks_cloud.admin()
    domain = admin._ensure('domains', {'name': 'foreign', 'enabled': True},
                           name='foreign')
    user = admin.ensure_user('fred', 'pw-fred')
    role = admin.ensure_role('member')
    admin.api.put('/domains/%s/users/%s/roles/%s'
                  % (domain['id'], user['id'], role['id']))
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'fred', 'domain': {'id': 'default'},
            'password': 'pw-fred'}}},
        'scope': {'domain': {'name': 'foreign'}}}}
    resp = requests.post(ks_cloud.auth_url + '/auth/tokens', json=body,
                         timeout=30)
    assert resp.status_code == 201, resp.text
    token = resp.headers['X-Subject-Token']
    resp = Client(ks_cloud.endpoint, token=token).get('/servers')
    assert resp.status_code == 401
    assert 'Keystone uri=' in resp.headers['WWW-Authenticate']


def test_keystone_down_is_503_and_recovers_without_restart(ks_cloud):
    # tokens nova-core has not validated yet (validated ones are cached)
    token, later = ks_cloud.token('bob'), ks_cloud.token('bob')
    host, port = urllib.parse.urlsplit(ks_cloud.auth_url).netloc.split(':')
    _kill_keystone(ks_cloud)
    assert keystone.wait_for(lambda: not port_open(host, int(port)),
                             timeout=10, interval=0.05)
    resp = requests.get(ks_cloud.endpoint + '/servers', timeout=30,
                        headers={'X-Auth-Token': token})
    assert resp.status_code == 503, resp.text
    assert 'Keystone' in resp.json()['serviceUnavailable']['message']
    # nova-core-all starts Keystone again; nova-core-api carries on
    assert keystone.wait_for(lambda: requests.get(
        ks_cloud.endpoint + '/servers', timeout=30,
        headers={'X-Auth-Token': later}).status_code == 200, timeout=90)


def _kill_keystone(ks_cloud):
    """SIGKILL gunicorn's master and its worker: Keystone is gone at once
    (a graceful stop lets the worker finish what it holds)."""
    with open(os.path.join(ks_cloud.keystone_dir, 'gunicorn.pid')) as f:
        master = int(f.read())
    with open('/proc/%d/task/%d/children' % (master, master)) as f:
        workers = [int(pid) for pid in f.read().split()]
    for pid in [master] + workers:
        os.kill(pid, signal.SIGKILL)
