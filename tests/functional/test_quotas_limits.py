"""Quotas, limits and their enforcement, through the API of one cloud.

Every test works in a project of its own (noauth2 token ``user:project``),
so counts start at zero whatever else the session's cloud holds.
"""
import json
import os
import shutil
import threading
import uuid

import pytest

from tests.fixtures import openstack_cli
from tests.fixtures.client import Client

BASE = {'id', 'instances', 'cores', 'ram', 'metadata_items', 'key_pairs',
        'server_groups', 'server_group_members'}
INJECTED = {'injected_files', 'injected_file_content_bytes',
            'injected_file_path_bytes'}
NETWORK = {'fixed_ips', 'floating_ips', 'security_groups',
           'security_group_rules'}


@pytest.fixture
def project():
    return 'qp-' + uuid.uuid4().hex[:12]


@pytest.fixture
def member(endpoint, project):
    return Client(endpoint, token='quser-%s:%s' % (project[3:], project))


def _set(admin, project, version='2.100', **limits):
    response = admin.as_user(version=version).put(
        '/os-quota-sets/%s' % project, json={'quota_set': limits})
    assert response.status_code == 200, response.text
    return response.json()['quota_set']


def _message(response):
    return list(response.json().values())[0]['message']


# --- os-quota-sets: reading ------------------------------------------------

@pytest.mark.parametrize('version, keys', [
    ('2.1', BASE | INJECTED | NETWORK),
    ('2.35', BASE | INJECTED | NETWORK),
    ('2.36', BASE | INJECTED),
    ('2.56', BASE | INJECTED),
    ('2.57', BASE),
    ('2.100', BASE),
])
@pytest.mark.parametrize('path', ['', '/defaults', '/detail'])
def test_quota_set_resources_by_microversion(member, project, version, keys,
                                             path):
    response = member.as_user(version=version).get(
        '/os-quota-sets/%s%s' % (project, path))
    assert response.status_code == 200, response.text
    quota_set = response.json()['quota_set']
    assert set(quota_set) == keys
    assert quota_set['id'] == project


def test_quota_set_default_values(member, project):
    shown = member.as_user(version='2.1').get(
        '/os-quota-sets/%s' % project).json()['quota_set']
    assert shown == {
        'id': project, 'instances': 10, 'cores': 20, 'ram': 51200,
        'metadata_items': 128, 'key_pairs': 100, 'server_groups': 10,
        'server_group_members': 10, 'injected_files': 5,
        'injected_file_content_bytes': 10240,
        'injected_file_path_bytes': 255, 'fixed_ips': -1,
        'floating_ips': -1, 'security_groups': -1,
        'security_group_rules': -1}


def test_detail_counts_usage(member, project, image_id):
    member.boot('q-detail', flavor='3', image=image_id)  # 2 vcpus, 4096 MB
    member.boot('q-detail', flavor='1', image=image_id)  # 1 vcpu, 512 MB
    detail = member.get('/os-quota-sets/%s/detail' % project
                        ).json()['quota_set']
    assert detail['instances'] == {'in_use': 2, 'limit': 10, 'reserved': 0}
    assert detail['cores'] == {'in_use': 3, 'limit': 20, 'reserved': 0}
    assert detail['ram'] == {'in_use': 4608, 'limit': 51200, 'reserved': 0}
    assert detail['metadata_items']['in_use'] == 0


def test_member_sees_only_own_project(member, project):
    other = 'qp-other-' + uuid.uuid4().hex[:8]
    assert member.get('/os-quota-sets/%s' % project).status_code == 200
    for path in ('/os-quota-sets/%s', '/os-quota-sets/%s/detail'):
        response = member.get(path % other)
        assert response.status_code == 403, response.text
        assert 'forbidden' in response.json()
    # The defaults are everyone's to read, as in Nova.
    assert member.get('/os-quota-sets/%s/defaults' % other
                      ).status_code == 200


def test_member_cannot_change_quotas(member, project, admin):
    response = member.put('/os-quota-sets/%s' % project,
                          json={'quota_set': {'instances': 50}})
    assert response.status_code == 403
    assert member.delete('/os-quota-sets/%s' % project).status_code == 403
    assert admin.get('/os-quota-sets/%s' % project
                     ).json()['quota_set']['instances'] == 10


def test_admin_reads_any_project(admin, project):
    assert admin.get('/os-quota-sets/%s/detail' % project
                     ).status_code == 200


# --- os-quota-sets: changing -----------------------------------------------

def test_update_then_delete_back_to_defaults(admin, member, project):
    updated = _set(admin, project, instances=3, cores='7', ram=-1,
                   force=False)
    assert 'id' not in updated
    assert set(updated) == BASE - {'id'}
    assert (updated['instances'], updated['cores'], updated['ram']) == (
        3, 7, -1)
    shown = member.get('/os-quota-sets/%s' % project).json()['quota_set']
    assert (shown['instances'], shown['cores'], shown['ram']) == (3, 7, -1)
    # Defaults and other projects are untouched.
    assert admin.get('/os-quota-sets/%s/defaults' % project
                     ).json()['quota_set']['instances'] == 10
    response = admin.delete('/os-quota-sets/%s' % project)
    assert response.status_code == 202
    assert member.get('/os-quota-sets/%s' % project
                      ).json()['quota_set']['instances'] == 10


def test_update_of_legacy_resources_before_their_removal(admin, project):
    updated = _set(admin, project, version='2.35', floating_ips=5,
                   injected_files=2)
    assert (updated['floating_ips'], updated['injected_files']) == (5, 2)
    updated = _set(admin, project, version='2.56', injected_files=3)
    assert updated['injected_files'] == 3 and 'floating_ips' not in updated


@pytest.mark.parametrize('version, body', [
    ('2.100', {'quota_set': {'instances': 'abc'}}),
    ('2.100', {'quota_set': {'instances': '1.5'}}),
    ('2.100', {'quota_set': {'instances': 1.5}}),
    ('2.100', {'quota_set': {'instances': -2}}),
    ('2.100', {'quota_set': {'instances': '-5'}}),
    ('2.100', {'quota_set': {'instances': 2 ** 31}}),
    ('2.100', {'quota_set': {'instances': str(2 ** 31)}}),
    ('2.100', {'quota_set': {'instances': '9' * 30, 'force': True}}),
    ('2.100', {'quota_set': {'instances': None}}),
    ('2.100', {'quota_set': {'instances': True}}),
    ('2.100', {'quota_set': {'bogus': 1}}),
    ('2.100', {'quota_set': {'instances': 5, 'force': 'maybe'}}),
    ('2.100', {'quota_set': 'instances'}),
    ('2.100', {'quota_set': [1]}),
    ('2.100', {'instances': 5}),
    ('2.100', {'quota_set': {'instances': 5}, 'extra': 1}),
    ('2.100', {}),
    ('2.35', {'quota_set': {'networks': 5}}),
    ('2.36', {'quota_set': {'floating_ips': 5}}),
    ('2.36', {'quota_set': {'security_groups': 5}}),
    ('2.57', {'quota_set': {'injected_files': 5}}),
    ('2.57', {'quota_set': {'injected_file_content_bytes': 5}}),
])
def test_update_bad_input(admin, project, version, body):
    client = admin.as_user(version=version)
    response = client.put('/os-quota-sets/%s' % project, json=body)
    assert response.status_code == 400, response.text
    assert response.json()['badRequest']['code'] == 400
    assert admin.get('/os-quota-sets/%s' % project
                     ).json()['quota_set']['instances'] == 10


@pytest.mark.parametrize('data', ['not json', '[]', '"x"', ''])
def test_update_malformed_body(admin, project, data):
    response = admin.put('/os-quota-sets/%s' % project, data=data,
                         headers={'Content-Type': 'application/json'})
    assert response.status_code == 400, response.text


def test_update_below_usage_needs_force(admin, member, project, image_id):
    member.boot('q-usage', image=image_id)
    member.boot('q-usage', image=image_id)
    response = admin.put('/os-quota-sets/%s' % project,
                         json={'quota_set': {'instances': 1, 'cores': 5}})
    assert response.status_code == 400
    assert _message(response) == (
        'Quota limit 1 for instances must be greater than or equal to '
        'already used and reserved 2.')
    assert admin.get('/os-quota-sets/%s' % project
                     ).json()['quota_set']['cores'] == 20  # nothing written
    assert _set(admin, project, instances=2)['instances'] == 2
    forced = _set(admin, project, instances=1, force='true')
    assert forced['instances'] == 1


@pytest.mark.parametrize('version, status', [('2.74', 200), ('2.75', 400)])
def test_unknown_query_parameters(member, project, version, status):
    client = member.as_user(version=version)
    assert client.get('/os-quota-sets/%s' % project,
                      params={'bogus': 1}).status_code == status
    assert client.get('/limits', params={'bogus': 1}).status_code == status


# --- os-quota-class-sets -----------------------------------------------------

@pytest.mark.parametrize('version, keys', [
    ('2.1', BASE - {'server_groups', 'server_group_members'} | INJECTED |
     NETWORK),
    ('2.50', BASE | INJECTED),
    ('2.57', BASE),
])
def test_quota_class_resources_by_microversion(admin, version, keys):
    response = admin.as_user(version=version).get(
        '/os-quota-class-sets/qc-%s' % uuid.uuid4().hex[:6])
    assert response.status_code == 200, response.text
    assert set(response.json()['quota_class_set']) == keys


def test_quota_class_update_is_admin_only(admin, member):
    name = 'qc-' + uuid.uuid4().hex[:8]
    assert member.get('/os-quota-class-sets/%s' % name).status_code == 403
    assert member.put('/os-quota-class-sets/%s' % name, json={
        'quota_class_set': {'instances': 2}}).status_code == 403
    response = admin.put('/os-quota-class-sets/%s' % name, json={
        'quota_class_set': {'instances': 2, 'cores': '4'}})
    assert response.status_code == 200, response.text
    updated = response.json()['quota_class_set']
    assert 'id' not in updated and (updated['instances'],
                                    updated['cores']) == (2, 4)
    shown = admin.get('/os-quota-class-sets/%s' % name
                      ).json()['quota_class_set']
    assert shown['id'] == name and shown['instances'] == 2


@pytest.mark.parametrize('body', [
    {'quota_class_set': {'instances': 'x'}},
    {'quota_class_set': {'instances': -2}},
    {'quota_class_set': {'instances': '-3'}},
    {'quota_class_set': {'instances': '9' * 30}},
    {'quota_class_set': {'force': True}},
    {'quota_class_set': {'floating_ips': 1}},
    {'quota_set': {'instances': 1}},
])
def test_quota_class_bad_input(admin, body):
    name = 'qc-' + uuid.uuid4().hex[:8]
    response = admin.put('/os-quota-class-sets/%s' % name, json=body)
    assert response.status_code == 400, response.text
    assert admin.get('/os-quota-class-sets/%s' % name
                     ).json()['quota_class_set']['instances'] == 10


def test_default_class_sets_project_defaults(admin, member, project):
    try:
        response = admin.put('/os-quota-class-sets/default', json={
            'quota_class_set': {'key_pairs': 7}})
        assert response.status_code == 200
        for path in ('/os-quota-sets/%s', '/os-quota-sets/%s/defaults'):
            assert member.get(path % project
                              ).json()['quota_set']['key_pairs'] == 7
    finally:
        admin.put('/os-quota-class-sets/default', json={
            'quota_class_set': {'key_pairs': 100}})


# --- limits ------------------------------------------------------------------

USED = {'totalInstancesUsed', 'totalCoresUsed', 'totalRAMUsed',
        'totalServerGroupsUsed'}
ABSOLUTE = {'maxTotalInstances', 'maxTotalCores', 'maxTotalRAMSize',
            'maxServerMeta', 'maxTotalKeypairs', 'maxServerGroups',
            'maxServerGroupMembers'} | USED
LEGACY_NETWORK = {'maxTotalFloatingIps', 'maxSecurityGroups',
                  'maxSecurityGroupRules', 'totalFloatingIpsUsed',
                  'totalSecurityGroupsUsed'}
PERSONALITY = {'maxPersonality', 'maxPersonalitySize'}


@pytest.mark.parametrize('version, keys', [
    ('2.1', ABSOLUTE | LEGACY_NETWORK | PERSONALITY | {'maxImageMeta'}),
    ('2.36', ABSOLUTE | PERSONALITY | {'maxImageMeta'}),
    ('2.39', ABSOLUTE | PERSONALITY),
    ('2.57', ABSOLUTE),
    ('2.100', ABSOLUTE),
])
def test_limits_by_microversion(member, version, keys):
    response = member.as_user(version=version).get('/limits')
    assert response.status_code == 200, response.text
    limits = response.json()['limits']
    assert limits['rate'] == []
    assert set(limits['absolute']) == keys


def test_limits_show_usage_and_own_limits(admin, member, project, image_id):
    _set(admin, project, cores=9)
    member.boot('q-limits', flavor='3', image=image_id)
    absolute = member.get('/limits').json()['limits']['absolute']
    assert absolute['maxTotalCores'] == 9
    assert absolute['maxTotalInstances'] == 10
    assert (absolute['totalInstancesUsed'], absolute['totalCoresUsed'],
            absolute['totalRAMUsed'], absolute['totalServerGroupsUsed']) == (
        1, 2, 4096, 0)
    old = member.as_user(version='2.1').get('/limits').json()['limits']
    assert old['absolute']['maxTotalFloatingIps'] == -1
    assert old['absolute']['totalFloatingIpsUsed'] == 0


def test_limits_of_other_project_admin_only(admin, member, project):
    _set(admin, project, instances=6)
    response = admin.get('/limits', params={'tenant_id': project})
    assert response.status_code == 200
    assert response.json()['limits']['absolute']['maxTotalInstances'] == 6
    response = member.get('/limits', params={'tenant_id': 'demo'})
    assert response.status_code == 403
    # Nova's os_compute_api:limits:other_project is admin-only, even when
    # a member names their own project.
    assert member.get('/limits', params={'tenant_id': project}
                      ).status_code == 403


# --- enforcement at server create --------------------------------------------

@pytest.mark.parametrize('limits, flavor, message', [
    ({'instances': 0}, '1',
     'Quota exceeded for instances: Requested 1, but already used 0 of 0 '
     'instances'),
    ({'cores': 1}, '3',
     'Quota exceeded for cores: Requested 2, but already used 0 of 1 '
     'cores'),
    ({'ram': 1000}, '2',
     'Quota exceeded for ram: Requested 2048, but already used 0 of 1000 '
     'ram'),
    ({'cores': 1, 'ram': 1000}, '3',
     'Quota exceeded for cores, ram: Requested 2, 4096, but already used '
     '0, 0 of 1, 1000 cores, ram'),
])
def test_create_over_quota(admin, member, project, image_id, limits, flavor,
                           message):
    _set(admin, project, **limits)
    response = member.boot('q-over', flavor=flavor, image=image_id,
                           expect=403)
    assert response.json() == {'forbidden': {'code': 403,
                                             'message': message}}
    assert member.get('/servers').json()['servers'] == []


def test_create_counts_existing_servers(admin, member, project, image_id):
    _set(admin, project, cores=3)
    member.boot('q-cores', flavor='3', image=image_id)
    response = member.boot('q-cores', flavor='3', image=image_id,
                           expect=403)
    assert _message(response) == ('Quota exceeded for cores: Requested 2, '
                                  'but already used 2 of 3 cores')
    member.boot('q-cores', flavor='1', image=image_id)  # 3 of 3 fits


def test_deleted_servers_free_quota(admin, member, project, image_id):
    _set(admin, project, instances=1)
    server = member.boot('q-free', image=image_id)
    member.boot('q-free', image=image_id, expect=403)
    member.wait_for(server['id'], 'ACTIVE', 'ERROR')
    assert member.delete('/servers/%s' % server['id']).status_code == 204
    member.wait_gone(server['id'])
    member.boot('q-free', image=image_id)


def test_multiple_create_boots_what_fits(admin, member, project, image_id):
    _set(admin, project, instances=3)
    member.boot('q-multi', image=image_id, min_count=2, max_count=5)
    assert len(member.get('/servers').json()['servers']) == 3
    response = member.boot('q-multi', image=image_id, min_count=1,
                           max_count=2, expect=403)
    assert _message(response) == (
        'Quota exceeded for instances: Requested 1-2, but already used 3 '
        'of 3 instances')


def test_multiple_create_below_min_count(admin, member, project, image_id):
    _set(admin, project, instances=3)
    response = member.boot('q-multi', image=image_id, min_count=4,
                           max_count=6, expect=403)
    assert _message(response) == (
        'Quota exceeded for instances: Requested 4-6, but already used 0 '
        'of 3 instances')
    assert member.get('/servers').json()['servers'] == []


def test_create_metadata_over_quota(admin, member, project, image_id):
    _set(admin, project, metadata_items=1)
    response = member.boot('q-meta', image=image_id,
                           metadata={'a': '1', 'b': '2'}, expect=403)
    assert _message(response) == 'Maximum number of metadata items exceeds 1'
    member.boot('q-meta', image=image_id, metadata={'a': '1'})


def test_unlimited_quota(admin, member, project, image_id):
    _set(admin, project, instances=-1, cores=-1, ram=-1)
    member.boot('q-unlimited', image=image_id, min_count=3, max_count=3)
    assert len(member.get('/servers').json()['servers']) == 3


def test_concurrent_creates_do_not_exceed_quota(admin, member, project,
                                                image_id):
    """Threads that all pass the first check are caught by the recheck."""
    limit, attempts = 2, 8
    _set(admin, project, instances=limit)
    barrier = threading.Barrier(attempts)
    results = []

    def boot():
        client = member.as_user()
        barrier.wait()
        results.append(client.post('/servers', json={'server': {
            'name': 'q-race', 'flavorRef': '1', 'imageRef': image_id,
            'networks': 'none'}}))

    threads = [threading.Thread(target=boot) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results)
    assert set(codes) <= {202, 403}, [r.text for r in results]
    accepted = [r.json()['server']['id'] for r in results
                if r.status_code == 202]
    assert len(accepted) <= limit
    listed = [s['id'] for s in member.get('/servers').json()['servers']]
    assert sorted(listed) == sorted(accepted)
    for response in results:
        if response.status_code == 403:
            assert _message(response).startswith(
                'Quota exceeded for instances: Requested 1, but already '
                'used ')


# --- the openstack CLI and openstacksdk --------------------------------------

@pytest.fixture
def admin_cli(endpoint, tmp_path):
    """The unmodified CLI as admin, through a clouds.yaml; quota commands
    also resolve the project through a stand-in Keystone."""
    if shutil.which('openstack') is None:
        pytest.skip('python-openstackclient missing')
    with openstack_cli.identity_endpoint() as identity:
        clouds = tmp_path / 'clouds.yaml'
        clouds.write_text(
            'clouds:\n  nova-core-admin:\n    auth_type: admin_token\n'
            '    auth: {endpoint: "%s", token: "admin:admin"}\n'
            '    identity_api_version: 3\n'
            '    identity_endpoint_override: "%s"\n' % (endpoint, identity))
        yield openstack_cli.runner(dict(
            os.environ, OS_CLOUD='nova-core-admin',
            OS_CLIENT_CONFIG_FILE=str(clouds)))


def _rows(output):
    return {row['Resource'] if 'Resource' in row else row['Name']:
            row.get('Limit', row.get('Value'))
            for row in json.loads(output)} if output.lstrip().startswith(
        '[') else json.loads(output)


def test_cli_quota_show_and_set(admin_cli, project):
    """``--compute``: without it the CLI also asks the (absent) volume and
    network services, at the one endpoint it knows, and fails."""
    shown = _rows(admin_cli('quota', 'show', '--compute', '-f', 'json',
                            project))
    assert (shown['instances'], shown['cores'], shown['ram']) == (
        10, 20, 51200)
    admin_cli('quota', 'set', '--instances', '3', project)
    shown = _rows(admin_cli('quota', 'show', '--compute', '-f', 'json',
                            project))
    assert shown['instances'] == 3


def test_cli_limits_show(admin_cli, admin, project):
    _set(admin, project, instances=4)
    absolute = _rows(admin_cli('limits', 'show', '--absolute', '-f', 'json',
                               '--project', project))
    # The CLI shows openstacksdk's names for Nova's (maxTotalInstances).
    assert absolute['instances'] == 4
    assert absolute['total_instances_used'] == 0
    assert 'total_cores' in _rows(admin_cli('limits', 'show', '--absolute',
                                              '-f', 'json'))


def test_openstacksdk_quotas_and_limits(endpoint, project, image_id):
    import openstack
    admin = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'admin:admin'})
    quota_set = admin.compute.get_quota_set(project)
    assert (quota_set.instances, quota_set.cores) == (10, 20)
    admin.compute.update_quota_set(project, instances=2, cores=5)
    quota_set = admin.compute.get_quota_set(project)
    assert (quota_set.instances, quota_set.cores) == (2, 5)
    member = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'sdk-user:%s' % project})
    limits = member.compute.get_limits()
    assert limits.absolute.instances == 2
    assert limits.absolute.total_cores == 5
    assert limits.absolute.instances_used == 0


def test_cli_limits_show_as_member(endpoint):
    """A member's own limits: the CLI names no project, so the API must
    not take it for a request about another one."""
    run = openstack_cli.runner(openstack_cli.environ(
        endpoint, OS_AUTH_TYPE='admin_token', OS_TOKEN='demo:demo'))
    assert _rows(run('limits', 'show', '--absolute', '-f',
                     'json'))['instances'] == 10
