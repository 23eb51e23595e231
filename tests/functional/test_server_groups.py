"""Server groups: the API per microversion, membership through server
create, and the policies as the single-host functional cloud shows them
(the scheduler's multi-host behaviour is in tests/unit/test_scheduler.py).
"""
import json
import os
import shutil
import subprocess
import uuid

import pytest

from nova_core.api.microversion import APIVersion
from tests.fixtures.client import Client, fault


@pytest.fixture
def project(endpoint):
    """A member of a project of its own, so lists and quotas are ours."""
    name = 'sg-%s' % uuid.uuid4().hex[:8]
    return Client(endpoint, token='%s-user:%s' % (name, name))


def _group(client, policy='anti-affinity', expect=200, version=None,
           **extra):
    client = client.as_user(version=version) if version else client
    body = {'name': 'g-%s' % uuid.uuid4().hex[:6]}
    version = client.session.headers['OpenStack-API-Version'].split()[-1]
    if APIVersion.parse(version).matches('2.64'):
        body['policy'] = policy
    else:
        body['policies'] = [policy]
    body.update(extra)
    response = client.post('/os-server-groups', json={'server_group': body})
    assert response.status_code == expect, response.text
    return response.json()['server_group'] if expect == 200 else response


def test_views_per_microversion(project):
    old = _group(project, 'affinity', version='2.1')
    assert set(old) == {'id', 'name', 'policies', 'members', 'metadata'}
    assert (old['policies'], old['members'], old['metadata']) == (
        ['affinity'], [], {})
    v213 = project.as_user(version='2.13').get(
        '/os-server-groups/%s' % old['id']).json()['server_group']
    assert v213['project_id'] == project.session.headers[
        'X-Auth-Token'].split(':')[1]
    assert v213['user_id'] == project.session.headers[
        'X-Auth-Token'].split(':')[0]
    new = project.as_user(version='2.64').get(
        '/os-server-groups/%s' % old['id']).json()['server_group']
    assert (new['policy'], new['rules']) == ('affinity', {})
    assert 'policies' not in new and 'metadata' not in new


@pytest.mark.parametrize('version,body', [
    ('2.1', {'policies': ['soft-affinity']}),
    ('2.14', {'policies': ['soft-anti-affinity']}),
    ('2.15', {'policies': ['affinity', 'anti-affinity']}),
    ('2.15', {'policies': []}),
    ('2.15', {'policies': ['clustered']}),
    ('2.15', {}),
    ('2.15', {'policies': ['affinity'], 'policy': 'affinity'}),
    ('2.64', {'policies': ['affinity']}),
    ('2.64', {'policy': 'affinity', 'rules': {'max_server_per_host': 2}}),
    ('2.64', {'policy': 'anti-affinity', 'rules': {
        'max_server_per_host': 0}}),
    ('2.64', {'policy': 'anti-affinity', 'rules': {
        'max_server_per_host': '0'}}),
    ('2.64', {'policy': 'anti-affinity', 'rules': {'colour': 1}}),
    ('2.64', {'policy': 'anti-affinity', 'rules': []}),
    ('2.64', {}),
])
def test_bad_create_bodies(project, version, body):
    client = project.as_user(version=version)
    before = client.get('/os-server-groups').json()['server_groups']
    response = client.post('/os-server-groups', json={'server_group': dict(
        {'name': 'bad'}, **body)})
    assert fault(response)[0:2] == ('badRequest', 400), body
    assert client.get('/os-server-groups').json()['server_groups'] == before


def test_rules_and_soft_policies(project):
    assert _group(project, 'soft-anti-affinity', version='2.15')[
        'policies'] == ['soft-anti-affinity']
    group = _group(project, 'anti-affinity', version='2.64',
                   rules={'max_server_per_host': '3'})
    assert group['rules'] == {'max_server_per_host': 3}
    message = fault(_group(project, 'affinity', expect=400, version='2.64',
                           rules={'max_server_per_host': 1}))[2]
    assert message == 'Only anti-affinity policy supports rules.'


def test_list_show_delete(project, admin, api):
    groups = [_group(project) for _ in range(3)]
    ids = [g['id'] for g in groups]
    listed = project.get('/os-server-groups').json()['server_groups']
    assert [g['id'] for g in listed] == ids
    page = project.get('/os-server-groups', params={
        'limit': 1, 'offset': 1}).json()['server_groups']
    assert [g['id'] for g in page] == ids[1:2]
    assert not set(ids) & {g['id'] for g in api.get(
        '/os-server-groups').json()['server_groups']}
    everyone = admin.get('/os-server-groups', params={'all_projects': 'true'})
    assert set(ids) <= {g['id'] for g in everyone.json()['server_groups']}
    assert project.get('/os-server-groups', params={
        'all_projects': '1'}).status_code == 403
    for params in ({'limit': '-1'}, {'offset': 'x'}):
        assert project.get('/os-server-groups',
                           params=params).status_code == 400
    assert project.as_user(version='2.74').get(
        '/os-server-groups', params={'colour': 'x'}).status_code == 200
    assert project.as_user(version='2.75').get(
        '/os-server-groups', params={'colour': 'x'}).status_code == 400

    path = '/os-server-groups/%s' % ids[0]
    assert api.get(path).status_code == 403
    assert api.delete(path).status_code == 403
    assert admin.get(path).status_code == 200
    assert project.delete(path).status_code == 204
    assert fault(project.get(path))[1:] == (
        404, 'Instance group %s could not be found.' % ids[0])
    assert project.delete(path).status_code == 404


def test_quota(project, admin):
    name = project.session.headers['X-Auth-Token'].split(':')[1]
    response = admin.put('/os-quota-sets/%s' % name, json={'quota_set': {
        'server_groups': 1, 'server_group_members': 1}})
    assert response.status_code == 200, response.text
    group = _group(project)
    over = _group(project, expect=403)
    assert fault(over)[2] == 'Quota exceeded, too many server groups.'
    assert len(project.get('/os-server-groups').json()['server_groups']) == 1
    hints = {'group': group['id']}
    response = project.post('/servers', json={
        'server': {'name': 'q', 'flavorRef': '1', 'networks': 'none',
                   'imageRef': _image(project), 'min_count': 2},
        'os:scheduler_hints': hints})
    assert fault(response)[1:] == (403, 'Quota exceeded, too many servers '
                                        'in group')


def _image(client):
    from nova_core.bootstrap import STARTER_IMAGE
    return Client(client.endpoint, version=None).get(
        '/images', params={'name': STARTER_IMAGE}).json()['images'][0]['id']


def _boot(client, image_id, group, name='m', expect=202, **extra):
    server = {'name': name, 'flavorRef': '1', 'imageRef': image_id,
              'networks': 'none'}
    server.update(extra)
    response = client.post('/servers', json={
        'server': server, 'os:scheduler_hints': {'group': group}})
    assert response.status_code == expect, response.text
    if expect != 202:
        return response
    body = response.json()
    return body.get('server', body)


def _members(client, group_id):
    return client.get('/os-server-groups/%s' % group_id).json()[
        'server_group']['members']


def _servers(client, reservation_id):
    return client.get('/servers/detail', params={
        'reservation_id': reservation_id}).json()['servers']


def test_bad_group_hints(project, api, image_id):
    other = _group(api)
    missing = str(uuid.uuid4())
    for group, message in ((missing, 'Instance group %s could not be found.'
                            % missing),
                           (other['id'], 'Instance group %s could not be '
                            'found.' % other['id'])):
        response = _boot(project, image_id, group, expect=400)
        assert fault(response)[2] == message
    _boot(project, image_id, 'not-a-uuid', expect=400)
    assert project.get('/servers').json()['servers'] == []
    api.delete('/os-server-groups/%s' % other['id'])


def test_affinity_multi_create_and_membership(project, admin, image_id):
    group = _group(project, 'affinity')
    first = _boot(project, image_id, group['id'], name='aff', min_count=2,
                  return_reservation_id=True)
    servers = _servers(project, first['reservation_id'])
    assert len(servers) == 2
    for server in servers:
        project.wait_for(server['id'], 'ACTIVE')
    hosts = {admin.server(s['id'])['OS-EXT-SRV-ATTR:host'] for s in servers}
    assert len(hosts) == 1
    assert sorted(_members(project, group['id'])) == sorted(
        s['id'] for s in servers)
    shown = project.server(servers[0]['id'])
    assert shown['server_groups'] == [group['id']]
    assert 'server_groups' not in project.as_user(version='2.70').server(
        servers[0]['id'])
    assert 'server_groups' not in _servers(project,
                                           first['reservation_id'])[0]
    project.delete('/servers/%s' % servers[0]['id'])
    project.wait_gone(servers[0]['id'])
    assert _members(project, group['id']) == [servers[1]['id']]
    project.delete('/servers/%s' % servers[1]['id'])
    project.wait_gone(servers[1]['id'])
    assert _members(project, group['id']) == []


def test_anti_affinity_on_one_host(project, image_id):
    group = _group(project, 'anti-affinity')
    created = _boot(project, image_id, group['id'], name='anti', min_count=2,
                    return_reservation_id=True)
    servers = _servers(project, created['reservation_id'])
    statuses = sorted(project.wait_for(s['id'], 'ACTIVE', 'ERROR')['status']
                      for s in servers)
    assert statuses == ['ACTIVE', 'ERROR']
    failed = [project.server(s['id']) for s in servers
              if project.server(s['id'])['status'] == 'ERROR'][0]
    assert failed['fault']['message'].startswith('No valid host was found')
    # The failed one stays a member until deleted, as in Nova.
    assert len(_members(project, group['id'])) == 2
    project.delete('/servers/%s' % failed['id'])
    project.wait_gone(failed['id'])
    # Another member built later meets the same rule.
    late = _boot(project, image_id, group['id'], name='anti-late')
    assert project.wait_for(late['id'], 'ERROR')['status'] == 'ERROR'
    for server in project.get('/servers').json()['servers']:
        project.delete('/servers/%s' % server['id'])
        project.wait_gone(server['id'])


def test_max_server_per_host_and_soft_policies(project, image_id):
    group = _group(project, 'anti-affinity', version='2.64',
                   rules={'max_server_per_host': 2})
    created = _boot(project, image_id, group['id'], name='two', min_count=3,
                    return_reservation_id=True)
    servers = _servers(project, created['reservation_id'])
    statuses = sorted(project.wait_for(s['id'], 'ACTIVE', 'ERROR')['status']
                      for s in servers)
    assert statuses == ['ACTIVE', 'ACTIVE', 'ERROR']
    soft = _group(project, 'soft-anti-affinity', version='2.15')
    created = _boot(project, image_id, soft['id'], name='soft', min_count=2,
                    return_reservation_id=True)
    for server in _servers(project, created['reservation_id']):
        project.wait_for(server['id'], 'ACTIVE')
    for server in project.get('/servers').json()['servers']:
        project.delete('/servers/%s' % server['id'])
        project.wait_gone(server['id'])


# --- the unmodified clients --------------------------------------------------

@pytest.mark.skipif(shutil.which('openstack') is None,
                    reason='python-openstackclient missing')
def test_server_group_cli(endpoint, image_id):
    env = dict(os.environ, OS_AUTH_TYPE='admin_token', OS_ENDPOINT=endpoint,
               OS_TOKEN='sg-cli:sg-cli-%s' % uuid.uuid4().hex[:6],
               OS_IDENTITY_API_VERSION='3', OS_COMPUTE_API_VERSION='2.71')
    env.pop('OS_CLOUD', None)

    def cli(*args):
        result = subprocess.run(['openstack', *args], env=env, text=True,
                                capture_output=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    created = json.loads(cli('server', 'group', 'create', '--policy',
                             'anti-affinity', '-f', 'json', 'cli-g'))
    assert created['policy'] == 'anti-affinity'
    listed = json.loads(cli('server', 'group', 'list', '-f', 'json'))
    assert [g['ID'] for g in listed] == [created['id']]
    server = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                            '--image', 'fake-image', '--hint',
                            'group=%s' % created['id'], '--wait', '-f',
                            'json', 'cli-member'))
    assert server['status'] == 'ACTIVE'
    shown = json.loads(cli('server', 'group', 'show', '-f', 'json',
                           'cli-g'))
    assert server['id'] in str(shown['members'])
    cli('server', 'delete', '--wait', server['id'])
    cli('server', 'group', 'delete', 'cli-g')
    assert json.loads(cli('server', 'group', 'list', '-f', 'json')) == []


def test_server_group_sdk(endpoint):
    import openstack
    conn = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint,
        'token': 'sg-sdk:sg-sdk-%s' % uuid.uuid4().hex[:6]})
    group = conn.compute.create_server_group(name='sdk-g',
                                             policy='soft-affinity')
    assert [g.id for g in conn.compute.server_groups()] == [group.id]
    assert conn.compute.get_server_group(group.id).policy == 'soft-affinity'
    conn.compute.delete_server_group(group)
    assert list(conn.compute.server_groups()) == []


def test_resize_honours_the_group(project, image_id):
    """A resize is scheduled under its server's group policy too: an
    anti-affinity member may resize in place (it does not count itself),
    and an affinity member whose group sits on this host stays on it."""
    from tests.fixtures.conf import ConfFixture
    conf = ConfFixture()
    conf.config(allow_resize_to_same_host=True)
    try:
        for policy in ('anti-affinity', 'affinity'):
            group = _group(project, policy)
            server = _boot(project, image_id, group['id'], name='grow')
            project.wait_for(server['id'], 'ACTIVE')
            response = project.action(server['id'],
                                      {'resize': {'flavorRef': '2'}})
            assert response.status_code == 202, response.text
            assert project.wait_for(server['id'], 'VERIFY_RESIZE')[
                'flavor']['original_name'] == 'm1.small'
            assert project.action(server['id'], {
                'confirmResize': None}).status_code == 204
            project.wait_for(server['id'], 'ACTIVE')
            project.delete('/servers/%s' % server['id'])
            project.wait_gone(server['id'])
    finally:
        conf.cleanup()
