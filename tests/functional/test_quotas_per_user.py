"""Per-user quotas (``/os-quota-sets/{project_id}?user_id=``), as Nova's.

Every test works in a project of its own (noauth2 token ``user:project``),
so counts start at zero whatever else the session's cloud holds.
"""
import uuid

import pytest

from tests.fixtures.client import Client

BASE = {'instances', 'cores', 'ram', 'metadata_items', 'key_pairs',
        'server_groups', 'server_group_members'}


@pytest.fixture
def project():
    return 'qu-' + uuid.uuid4().hex[:12]


@pytest.fixture
def user():
    return 'uu-' + uuid.uuid4().hex[:12]


@pytest.fixture
def member(endpoint, project, user):
    return Client(endpoint, token='%s:%s' % (user, project))


def _path(project, suffix=''):
    return '/os-quota-sets/%s%s' % (project, suffix)


def _put(client, project, user=None, version='2.100', **limits):
    params = {'user_id': user} if user else None
    return client.as_user(version=version).put(
        _path(project), params=params, json={'quota_set': limits})


def _show(client, project, user=None, suffix=''):
    response = client.get(_path(project, suffix),
                          params={'user_id': user} if user else None)
    assert response.status_code == 200, response.text
    return response.json()['quota_set']


def _message(response):
    return list(response.json().values())[0]['message']


def test_user_limits_show_update_delete(admin, project, user):
    """Tempest's test_get_updated_quotas: the project's and the user's."""
    assert _put(admin, project, ram='5120').status_code == 200
    response = _put(admin, project, user, ram='2048')
    assert response.status_code == 200, response.text
    updated = response.json()['quota_set']
    assert 'id' not in updated and set(updated) == BASE
    assert updated['ram'] == 2048
    shown = _show(admin, project, user)
    assert (shown['id'], shown['ram'], shown['cores']) == (project, 2048, 20)
    # The project's own and other users' are untouched.
    assert _show(admin, project)['ram'] == 5120
    assert _show(admin, project, 'someone-else')['ram'] == 5120
    assert admin.delete(_path(project),
                        params={'user_id': user}).status_code == 202
    assert _show(admin, project, user)['ram'] == 5120
    assert _show(admin, project)['ram'] == 5120


def test_project_delete_forgets_its_users_limits(admin, project, user):
    _put(admin, project, user, instances=3)
    assert admin.delete(_path(project)).status_code == 202
    assert _show(admin, project, user)['instances'] == 10


@pytest.mark.parametrize('version, keys', [
    ('2.1', 14), ('2.36', 10), ('2.57', 7)])
def test_user_views_follow_microversion(admin, project, user, version, keys):
    client = admin.as_user(version=version)
    for suffix in ('', '/detail'):
        shown = _show(client, project, user, suffix)
        assert len(set(shown) - {'id'}) == keys
    response = _put(admin, project, user, version=version, instances=2)
    assert response.status_code == 200
    assert len(response.json()['quota_set']) == keys
    assert _show(client, project, user)['instances'] == 2


def test_user_limit_above_project_is_refused(admin, project, user):
    _put(admin, project, instances=5)
    response = _put(admin, project, user, instances=6)
    assert response.status_code == 400
    assert _message(response) == (
        'Quota limit 6 for instances must be less than or equal to 5.')
    response = _put(admin, project, user, instances=-1)
    assert response.status_code == 400
    assert _show(admin, project, user)['instances'] == 5  # nothing written
    # What one user was given is not there for another (Nova's "remains").
    assert _put(admin, project, user, instances=4).status_code == 200
    response = _put(admin, project, 'other-user', instances=2)
    assert response.status_code == 400
    assert _message(response).endswith('less than or equal to 1.')
    # The user's own limit is theirs to change within the project's.
    assert _put(admin, project, user, instances=5).status_code == 200
    # The project may not go under what it gave its users ...
    response = _put(admin, project, instances=4)
    assert response.status_code == 400
    assert 'greater than or equal to already used and reserved 5' in (
        _message(response))
    # ... and force skips both checks, as in Nova.
    assert _put(admin, project, user, instances=9,
                force=True).status_code == 200
    assert _show(admin, project, user)['instances'] == 9


def test_unlimited_project_lets_users_have_any_limit(admin, project, user):
    _put(admin, project, cores=-1)
    response = _put(admin, project, user, cores=1000)
    assert response.status_code == 200
    assert _show(admin, project, user)['cores'] == 1000


def test_user_limit_under_user_usage_is_refused(admin, member, project,
                                                user, image_id):
    member.boot('pu-usage', flavor='1', image=image_id)
    member.boot('pu-usage', flavor='1', image=image_id)
    response = _put(admin, project, user, instances=1)
    assert response.status_code == 400
    assert _message(response) == (
        'Quota limit 1 for instances must be greater than or equal to '
        'already used and reserved 2.')
    # Another user of the project uses nothing: 1 is fine for them.
    assert _put(admin, project, 'idle-user', instances=1).status_code == 200


def test_detail_counts_the_users_usage(admin, member, endpoint, project,
                                       user, image_id):
    member.boot('pu-detail', flavor='3', image=image_id)  # 2 vcpus
    other = Client(endpoint, token='other-%s:%s' % (user, project))
    other.boot('pu-detail', flavor='1', image=image_id)
    mine = _show(admin, project, user, '/detail')
    assert mine['instances'] == {'in_use': 1, 'limit': 10, 'reserved': 0}
    assert mine['cores']['in_use'] == 2
    assert _show(admin, project, suffix='/detail')['instances'][
        'in_use'] == 2


def test_create_checks_the_users_limit(admin, member, endpoint, project,
                                       user, image_id):
    _put(admin, project, user, instances=1)
    member.boot('pu-one', flavor='1', image=image_id)
    response = member.post('/servers', json={'server': {
        'name': 'pu-two', 'flavorRef': '1', 'imageRef': image_id,
        'networks': 'none'}})
    assert response.status_code == 403, response.text
    assert _message(response) == (
        'Quota exceeded for instances: Requested 1, but already used 1 of '
        '1 instances')
    # Other users of the project still have the project's limit.
    other = Client(endpoint, token='other-%s:%s' % (user, project))
    other.boot('pu-other', flavor='1', image=image_id)
    # min_count/max_count: as many as fit the user's limit.
    _put(admin, project, user, instances=3)
    response = member.post('/servers', json={'server': {
        'name': 'pu-many', 'flavorRef': '1', 'imageRef': image_id,
        'min_count': 1, 'max_count': 5, 'networks': 'none',
        'return_reservation_id': True}})
    assert response.status_code == 202, response.text
    assert _show(admin, project, user, '/detail')['instances'][
        'in_use'] == 3


def test_create_checks_the_users_cores(admin, member, project, user,
                                       image_id):
    _put(admin, project, user, cores=1)
    response = member.post('/servers', json={'server': {
        'name': 'pu-cores', 'flavorRef': '3', 'imageRef': image_id,
        'networks': 'none'}})
    assert response.status_code == 403
    assert 'Quota exceeded for cores' in _message(response)


def test_key_pairs_follow_the_users_limit(admin, member, project, user):
    _put(admin, project, user, key_pairs=1)
    legacy = member.as_user(version='2.1')  # generates the key
    created = legacy.post('/os-keypairs', json={'keypair': {
        'name': 'pu-k1'}})
    assert created.status_code == 200, created.text
    response = legacy.post('/os-keypairs', json={'keypair': {
        'name': 'pu-k2'}})
    assert response.status_code == 403
    assert _message(response) == 'Quota exceeded, too many key pairs.'


def test_server_groups_follow_the_users_limit(admin, member, project, user):
    _put(admin, project, user, server_groups=0)
    response = member.as_user(version='2.1').post(
        '/os-server-groups', json={'server_group': {
        'name': 'pu-g', 'policies': ['affinity']}})
    assert response.status_code == 403
    assert _message(response) == 'Quota exceeded, too many server groups.'


@pytest.mark.parametrize('method', ['get', 'put', 'delete'])
def test_user_id_too_long_is_refused(admin, project, method):
    kwargs = {'params': {'user_id': 'u' * 256}}
    if method == 'put':
        kwargs['json'] = {'quota_set': {'instances': 1}}
    response = getattr(admin, method)(_path(project), **kwargs)
    assert response.status_code == 400, response.text
    assert _show(admin, project)['instances'] == 10


def test_blank_user_id_means_the_project(admin, project):
    response = admin.put(_path(project), params={'user_id': ''},
                         json={'quota_set': {'instances': 4}})
    assert response.status_code == 200
    assert _show(admin, project)['instances'] == 4


@pytest.mark.parametrize('version, status', [('2.74', 200), ('2.75', 400)])
def test_unknown_query_parameters_with_user(admin, project, user, version,
                                            status):
    response = admin.as_user(version=version).get(
        _path(project), params={'user_id': user, 'bogus': '1'})
    assert response.status_code == status


def test_members_read_but_do_not_change_user_limits(member, project, user,
                                                    admin):
    assert _show(member, project, user)['instances'] == 10
    assert _show(member, project, user, '/detail')['instances'][
        'limit'] == 10
    response = _put(member, project, user, instances=1)
    assert response.status_code == 403
    response = member.delete(_path(project), params={'user_id': user})
    assert response.status_code == 403
    other = 'qu-other-' + uuid.uuid4().hex[:8]
    assert member.get(_path(other), params={'user_id': user}
                      ).status_code == 403
    assert _show(admin, project, user)['instances'] == 10


def test_openstacksdk_reads_and_reverts_user_quotas(admin, endpoint, project,
                                                   user):
    """openstacksdk's ``update_quota_set(user=)`` fails in the SDK itself
    (it hands ``user_id`` to ``_prepare_request``), and the CLI has no
    ``--user``: set through the API, read and revert through the SDK."""
    import openstack
    sdk = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'admin:admin'})
    _put(admin, project, user, instances=2)
    assert sdk.compute.get_quota_set(project).instances == 10
    path = '/os-quota-sets/%s?user_id=%s' % (project, user)
    assert sdk.compute.get(path).json()['quota_set']['instances'] == 2
    sdk.compute.revert_quota_set(project, user_id=user)
    assert sdk.compute.get(path).json()['quota_set']['instances'] == 10


@pytest.mark.parametrize('version, module', [
    ('2.1', 'v2_1.quotas'), ('2.36', 'v2_36.quotas'),
    ('2.57', 'v2_57.quotas')])
def test_user_answers_as_tempest_expects(admin, project, user, version,
                                         module):
    """Tempest's own response schemas, with its own validator (skipped
    without the Tempest venv, as tests/functional/test_tempest_schemas)."""
    from tests.functional import test_tempest_schemas as tempest
    if not tempest.os.path.exists(tempest._PYTHON):
        pytest.skip('no Tempest venv at %s' % tempest._VENV)
    client = admin.as_user(version=version)
    params = {'user_id': user}
    answers = [
        (module, 'update_quota_set', client.put(
            _path(project), params=params,
            json={'quota_set': {'ram': 2048}})),
        (module, 'get_quota_set', client.get(_path(project),
                                             params=params)),
        (module, 'get_quota_set_details', client.get(
            _path(project, '/detail'), params=params)),
        (module, 'delete_quota', client.delete(_path(project),
                                               params=params)),
    ]
    assert tempest._tempest_refuses(answers) == []
