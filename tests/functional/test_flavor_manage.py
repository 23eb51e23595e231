"""Flavor management, access to private flavors and extra specs, per
microversion, through the API, the ``openstack`` CLI and openstacksdk."""
import json
import shutil
import uuid

import pytest

from tests.fixtures import openstack_cli
from tests.fixtures.client import fault


def _name(prefix='flv'):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def _create(admin, expect=200, **values):
    body = dict({'name': _name(), 'ram': 512, 'vcpus': 1, 'disk': 1},
                **values)
    response = admin.post('/flavors', json={'flavor': body})
    assert response.status_code == expect, response.text
    return response.json()['flavor'] if expect == 200 else response


def test_create_show_delete(admin, api):
    created = _create(admin, id=None, swap=0,
                      **{'OS-FLV-EXT-DATA:ephemeral': 2})
    uuid.UUID(created['id'])  # a null id is generated
    assert (created['ram'], created['vcpus'], created['disk'],
            created['OS-FLV-EXT-DATA:ephemeral'], created['swap'],
            created['rxtx_factor'], created['os-flavor-access:is_public'],
            created['description'], created['extra_specs']) == (
        512, 1, 1, 2, 0, 1.0, True, None, {})
    assert api.get('/flavors/%s' % created['id']).status_code == 200
    assert admin.delete('/flavors/%s' % created['id']).status_code == 202
    response = api.get('/flavors/%s' % created['id'])
    assert fault(response)[0:2] == ('itemNotFound', 404)
    assert admin.delete('/flavors/%s' % created['id']).status_code == 404


def test_given_id_and_duplicates(admin):
    flavor_id = _name('id')
    created = _create(admin, id=flavor_id)
    assert created['id'] == flavor_id
    again = _create(admin, expect=409, id=flavor_id)
    assert fault(again)[2] == 'Flavor with ID %s already exists.' % flavor_id
    same_name = _create(admin, expect=409, name=created['name'])
    assert fault(same_name)[2] == ('Flavor with name %s already exists.'
                                   % created['name'])
    admin.delete('/flavors/%s' % flavor_id)


def test_members_may_not_manage(api, admin):
    assert fault(_create(api, expect=403))[0] == 'forbidden'
    assert api.delete('/flavors/1').status_code == 403
    assert api.put('/flavors/1', json={'flavor': {
        'description': 'x'}}).status_code == 403
    assert api.post('/flavors/1/os-extra_specs', json={
        'extra_specs': {'a': 'b'}}).status_code == 403
    assert api.get('/flavors/1/os-flavor-access').status_code == 403
    assert api.post('/flavors/1/action', json={
        'addTenantAccess': {'tenant': 'demo'}}).status_code == 403
    assert admin.get('/flavors/1').status_code == 200


@pytest.mark.parametrize('values', [
    {'ram': 0}, {'vcpus': -1}, {'disk': 'x'}, {'ram': '0'},
    {'rxtx_factor': 0}, {'rxtx_factor': '0.0'}, {'id': ' lead'},
    {'id': ''}, {'name': ''}, {'name': ' pad '}, {'colour': 'red'},
    {'swap': 2 ** 31}, {'os-flavor-access:is_public': 'maybe'},
    {'description': 'x' * 65536},
])
def test_bad_create_bodies(admin, values):
    before = len(admin.get('/flavors', params={'is_public': 'none'}
                           ).json()['flavors'])
    response = _create(admin, expect=400, **values)
    assert fault(response)[0] == 'badRequest'
    after = len(admin.get('/flavors', params={'is_public': 'none'}
                          ).json()['flavors'])
    assert after == before


def test_bad_bodies_without_flavor(admin):
    for body in ({}, {'flavor': 'x'}, {'flavor': {'name': 'n'}}, []):
        response = admin.post('/flavors', json=body)
        assert response.status_code == 400, body


def test_description_from_2_55(admin):
    old = admin.as_user(version='2.54')
    assert _create(old, expect=400, description='d').status_code == 400
    created = _create(old)
    assert 'description' not in created
    assert old.put('/flavors/%s' % created['id'], json={'flavor': {
        'description': 'x'}}).status_code == 404
    new = admin.as_user(version='2.55')
    shown = new.get('/flavors/%s' % created['id']).json()['flavor']
    assert shown['description'] is None and 'extra_specs' not in shown
    updated = new.put('/flavors/%s' % created['id'], json={'flavor': {
        'description': 'small and cheap'}})
    assert updated.status_code == 200
    assert updated.json()['flavor']['description'] == 'small and cheap'
    for body in ({'flavor': {}}, {'flavor': {'description': 'x',
                                             'name': 'y'}},
                 {'flavor': {'description': 'bad\x01'}}):
        assert new.put('/flavors/%s' % created['id'],
                       json=body).status_code == 400
    assert new.put('/flavors/nope', json={'flavor': {
        'description': 'x'}}).status_code == 404
    admin.delete('/flavors/%s' % created['id'])


def test_swap_and_extra_specs_by_version(admin):
    created = _create(admin)
    for version, swap, has_specs in (('2.1', '', False), ('2.60', '', False),
                                     ('2.61', '', True), ('2.75', 0, True)):
        shown = admin.as_user(version=version).get(
            '/flavors/%s' % created['id']).json()['flavor']
        assert shown['swap'] == swap, version
        assert ('extra_specs' in shown) is has_specs, version
    admin.delete('/flavors/%s' % created['id'])


def test_list_query_2_75_refuses_unknown(api):
    assert api.as_user(version='2.74').get(
        '/flavors', params={'colour': 'x'}).status_code == 200
    response = api.as_user(version='2.75').get('/flavors',
                                               params={'colour': 'x'})
    assert fault(response)[0:2] == ('badRequest', 400)


def test_private_flavor_and_access(admin, api, image_id):
    private = _create(admin, **{'os-flavor-access:is_public': False})
    fid = private['id']
    assert private['os-flavor-access:is_public'] is False
    # Hidden from projects without access, listed for admins on request.
    assert api.get('/flavors/%s' % fid).status_code == 404
    assert fid not in [f['id'] for f in api.get('/flavors').json()[
        'flavors']]
    assert fid not in [f['id'] for f in admin.get('/flavors').json()[
        'flavors']]
    for is_public, listed in (('false', True), ('No', True),
                              ('none', True), ('true', False),
                              ('T', False)):
        ids = [f['id'] for f in admin.get('/flavors', params={
            'is_public': is_public}).json()['flavors']]
        assert (fid in ids) is listed, is_public
    assert admin.get('/flavors', params={
        'is_public': 'sometimes'}).status_code == 400
    boot = api.boot('private-boot', flavor=fid, image=image_id, expect=400)
    assert fault(boot)[2] == 'Flavor %s could not be found.' % fid

    path = '/flavors/%s/action' % fid
    assert admin.get('/flavors/%s/os-flavor-access' % fid).json() == {
        'flavor_access': []}
    added = admin.post(path, json={'addTenantAccess': {'tenant': 'demo'}})
    assert added.status_code == 200
    assert added.json() == {'flavor_access': [{'flavor_id': fid,
                                               'tenant_id': 'demo'}]}
    again = admin.post(path, json={'addTenantAccess': {'tenant': 'demo'}})
    assert fault(again)[0:2] == ('conflictingRequest', 409)
    assert api.get('/flavors/%s' % fid).status_code == 200
    assert fid in [f['id'] for f in api.get('/flavors').json()['flavors']]
    server = api.boot('private-ok', flavor=fid, image=image_id)
    api.wait_for(server['id'], 'ACTIVE')

    removed = admin.post(path, json={'removeTenantAccess': {
        'tenant': 'demo'}})
    assert removed.json() == {'flavor_access': []}
    gone = admin.post(path, json={'removeTenantAccess': {'tenant': 'demo'}})
    assert fault(gone)[0:2] == ('itemNotFound', 404)
    for body in ({'addTenantAccess': {}}, {'addTenantAccess': {
            'tenant': ''}}, {'fly': {}}, {'addTenantAccess': {
                'tenant': 'a'}, 'removeTenantAccess': {'tenant': 'a'}}):
        assert admin.post(path, json=body).status_code == 400, body
    # Deleting the flavor leaves the server its embedded copy.
    assert admin.delete('/flavors/%s' % fid).status_code == 202
    assert api.server(server['id'])['flavor']['original_name'] == \
        private['name']
    api.delete('/servers/%s' % server['id'])
    api.wait_gone(server['id'])


def test_access_to_public_flavors(admin):
    public = _create(admin)
    response = admin.get('/flavors/%s/os-flavor-access' % public['id'])
    assert fault(response)[1:] == (
        404, 'Access list not available for public flavors.')
    path = '/flavors/%s/action' % public['id']
    body = {'addTenantAccess': {'tenant': 'p1'}}
    assert fault(admin.post(path, json=body))[1:] == (
        409, 'Can not add access to a public flavor.')
    # Before 2.7 Nova records it.
    assert admin.as_user(version='2.6').post(path, json=body
                                             ).status_code == 200
    assert admin.post('/flavors/nope/action', json=body).status_code == 404
    admin.delete('/flavors/%s' % public['id'])


def test_extra_specs(admin, api):
    flavor = _create(admin)
    path = '/flavors/%s/os-extra_specs' % flavor['id']
    created = admin.post(path, json={'extra_specs': {'hw:cpu_policy':
                                                     'dedicated', 'n': 2}})
    assert created.status_code == 200
    assert created.json() == {'extra_specs': {'hw:cpu_policy': 'dedicated',
                                              'n': 2}}
    assert api.get(path).json() == {'extra_specs': {
        'hw:cpu_policy': 'dedicated', 'n': '2'}}
    assert api.get(path + '/n').json() == {'n': '2'}
    assert admin.put(path + '/n', json={'n': '3'}).json() == {'n': '3'}
    assert fault(admin.put(path + '/n', json={'m': '3'}))[2] == \
        'Request body and URI mismatch'
    for body in ({'n': '3', 'm': '4'}, {}, {'n': {'x': 1}}):
        assert admin.put(path + '/n', json=body).status_code == 400, body
    for body in ({}, {'extra_specs': {'bad/key': 'v'}},
                 {'extra_specs': {'k': 'x' * 256}},
                 {'extra_specs': {'k': True}}, {'extra_specs': []}):
        assert admin.post(path, json=body).status_code == 400, body
    assert admin.delete(path + '/n').status_code == 200
    missing = api.get(path + '/n')
    assert fault(missing)[1:] == (404, 'Flavor %s has no extra specs with '
                                  'key n.' % flavor['id'])
    assert admin.delete(path + '/n').status_code == 404
    shown = api.get('/flavors/%s' % flavor['id']).json()['flavor']
    assert shown['extra_specs'] == {'hw:cpu_policy': 'dedicated'}
    assert admin.get('/flavors/nope/os-extra_specs').status_code == 404
    admin.delete('/flavors/%s' % flavor['id'])


@pytest.mark.parametrize('specs,message', [
    ({'hw_rng:allowed': 'maybe'}, "'maybe' is not a valid boolean-like"),
    ({'hw_rng:rate_bytes': '-1'}, "'-1' is less than the minimum of '0'"),
    ({'hw_video:ram_max_mb': 'lots'}, "'lots' is not a valid integer"),
    ({'trait:HW_CPU_X86_AVX': 'wanted'}, "'wanted' is not one of"),
    ({'resources1:VCPU': 'x'}, "'x' is not a valid integer"),
    ({'hw_rng:colour': 'red'}, "extra spec 'hw_rng:colour' does not "
                               "appear to be a valid extra spec"),
])
def test_extra_specs_validated_from_2_86(admin, specs, message):
    flavor = _create(admin)
    path = '/flavors/%s/os-extra_specs' % flavor['id']
    new, old = admin.as_user(version='2.86'), admin.as_user(version='2.85')
    response = new.post(path, json={'extra_specs': specs})
    assert message in fault(response)[2]
    key = next(iter(specs))
    assert new.put('%s/%s' % (path, key), json=specs).status_code == 400
    assert new.get(path).json() == {'extra_specs': {}}
    assert old.post(path, json={'extra_specs': specs}).status_code == 200
    admin.delete('/flavors/%s' % flavor['id'])


def test_valid_and_unchecked_extra_specs_at_2_86(admin):
    flavor = _create(admin)
    specs = {'hw_rng:allowed': 'True', 'hw_rng:rate_bytes': '24',
             'trait:HW_CPU_X86_AVX': 'required', 'resources:VGPU': 1,
             'my:own': 'x', 'plain': 'y'}
    response = admin.as_user(version='2.86').post(
        '/flavors/%s/os-extra_specs' % flavor['id'],
        json={'extra_specs': specs})
    assert response.status_code == 200, response.text
    admin.delete('/flavors/%s' % flavor['id'])


def test_huge_minimums_match_nothing(api):
    for key in ('minRam', 'minDisk'):
        response = api.get('/flavors/detail', params={key: '9' * 30})
        assert response.json() == {'flavors': []}


# --- the unmodified clients --------------------------------------------------

needs_cli = pytest.mark.skipif(shutil.which('openstack') is None,
                               reason='python-openstackclient missing')


@pytest.fixture(scope='module')
def identity_url():
    """``openstack flavor create``/``set --project`` insist on an identity
    v3 client and look the project up."""
    with openstack_cli.identity_endpoint() as url:
        yield url


@pytest.fixture
def admin_cli(endpoint, identity_url):
    return openstack_cli.runner(openstack_cli.environ(
        endpoint, OS_AUTH_TYPE='admin_token', OS_TOKEN='admin:admin',
        OS_IDENTITY_ENDPOINT_OVERRIDE=identity_url))


@needs_cli
def test_flavor_cli(admin_cli, api):
    name = _name('cli')
    created = json.loads(admin_cli('flavor', 'create', '--ram', '512',
                                   '--vcpus', '1', '--disk', '1', '-f',
                                   'json', name))
    assert (created['name'], created['ram']) == (name, 512)
    admin_cli('flavor', 'set', '--property', 'k=v', name)
    shown = json.loads(admin_cli('flavor', 'show', '-f', 'json', name))
    assert shown['properties'] == {'k': 'v'}
    assert api.get('/flavors/%s/os-extra_specs' % created['id']).json() == {
        'extra_specs': {'k': 'v'}}
    admin_cli('flavor', 'delete', name)
    assert api.get('/flavors/%s' % created['id']).status_code == 404

    private = _name('cli-private')
    created = json.loads(admin_cli('flavor', 'create', '--ram', '512',
                                   '--vcpus', '1', '--disk', '1',
                                   '--private', '--project', 'p-cli',
                                   '-f', 'json', private))
    assert created['os-flavor-access:is_public'] is False
    admin_cli('flavor', 'set', '--project', 'demo', private)
    assert api.get('/flavors/%s' % created['id']).status_code == 200
    admin_cli('flavor', 'unset', '--project', 'demo', private)
    assert api.get('/flavors/%s' % created['id']).status_code == 404
    admin_cli('flavor', 'delete', private)


def test_flavor_sdk(endpoint, api):
    import openstack
    conn = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'admin:admin'})
    name = _name('sdk')
    flavor = conn.compute.create_flavor(name=name, ram=512, vcpus=1,
                                        disk=1, is_public=False)
    assert flavor.is_public is False
    conn.compute.flavor_add_tenant_access(flavor, 'demo')
    assert api.get('/flavors/%s' % flavor.id).status_code == 200
    assert [a['tenant_id'] for a in conn.compute.get_flavor_access(
        flavor)] == ['demo']
    conn.compute.flavor_remove_tenant_access(flavor, 'demo')
    conn.compute.delete_flavor(flavor)
    assert api.get('/flavors/%s' % flavor.id).status_code == 404
