"""Version documents and microversion headers."""
import pytest
import requests

from tests.fixtures.client import Client


def test_root_lists_v20_then_v21_without_token(endpoint):
    """As Nova (and Tempest's test_list_api_versions): v2.0 first."""
    root = endpoint.rsplit('/v2.1', 1)[0]
    body = requests.get(root + '/').json()
    v20, v21 = body['versions']
    assert (v20['id'], v20['status'], v20['min_version'], v20['version']) == (
        'v2.0', 'SUPPORTED', '', '')
    assert (v21['id'], v21['status'], v21['min_version'], v21['version']) == (
        'v2.1', 'CURRENT', '2.1', '2.100')
    for listed in (v20, v21):  # each self link leads to its own document
        (self_link,) = [x for x in listed['links'] if x['rel'] == 'self']
        shown = requests.get(self_link['href']).json()['version']
        assert [x for x in shown['links'] if x['rel'] == 'self'] == [
            self_link]


@pytest.mark.parametrize('suffix', ['', '/'])
def test_v21_document(endpoint, suffix):
    response = requests.get(endpoint + suffix)
    assert response.status_code == 200
    version = response.json()['version']
    assert version['id'] == 'v2.1' and version['version'] == '2.100'
    assert version['media-types'][0]['base'] == 'application/json'


@pytest.mark.parametrize('headers,echo', [
    ({}, '2.1'),
    ({'OpenStack-API-Version': 'compute 2.47'}, '2.47'),
    ({'OpenStack-API-Version': 'compute latest'}, '2.100'),
    ({'X-OpenStack-Nova-API-Version': '2.60'}, '2.60'),
    ({'OpenStack-API-Version': 'image 2.5, compute 2.30'}, '2.30'),
])
def test_version_is_echoed(endpoint, headers, echo):
    response = requests.get(endpoint + '/flavors', headers=dict(
        headers, **{'X-Auth-Token': 'demo:demo'}))
    assert response.headers['OpenStack-API-Version'] == 'compute ' + echo
    assert response.headers['X-OpenStack-Nova-API-Version'] == echo
    assert 'OpenStack-API-Version' in response.headers['Vary']


# (microversion, field of a server, present?) — each microversion change to
# the server resource that nova-core honours.
SERVER_FIELDS = [
    ('2.8', 'locked', False), ('2.9', 'locked', True),
    ('2.18', 'description', False), ('2.19', 'description', True),
    ('2.25', 'tags', False), ('2.26', 'tags', True),
    ('2.62', 'trusted_image_certificates', False),
    ('2.63', 'trusted_image_certificates', True),
    ('2.70', 'server_groups', False), ('2.71', 'server_groups', True),
    ('2.72', 'locked_reason', False), ('2.73', 'locked_reason', True),
    ('2.95', 'pinned_availability_zone', False),
    ('2.96', 'pinned_availability_zone', True),
    ('2.99', 'scheduler_hints', False), ('2.100', 'scheduler_hints', True),
]


@pytest.fixture(scope='module')
def booted(endpoint, image_id):
    api = Client(endpoint)
    server_id = api.boot('versions', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    yield server_id
    api.delete('/servers/%s' % server_id)


@pytest.mark.parametrize('version,field,present', SERVER_FIELDS)
def test_server_fields_by_microversion(endpoint, booted, version, field,
                                       present):
    server = Client(endpoint, version=version).server(booted)
    assert (field in server) == present


def test_flavor_embedded_from_2_47(endpoint, booted):
    old = Client(endpoint, version='2.46').server(booted)['flavor']
    new = Client(endpoint, version='2.47').server(booted)['flavor']
    assert set(old) == {'id', 'links'}
    assert set(new) == {'vcpus', 'ram', 'disk', 'ephemeral', 'swap',
                        'original_name', 'extra_specs'}


def test_image_properties_from_2_98(endpoint, booted):
    assert 'properties' not in Client(endpoint, version='2.97').server(
        booted)['image']
    assert 'properties' in Client(endpoint, version='2.98').server(
        booted)['image']


def test_admin_attributes_and_hostname(endpoint, booted):
    admin = Client(endpoint, token='admin:admin', version='2.3')
    assert admin.get('/servers/%s' % booted).status_code == 200
    as_admin = Client(endpoint, token='admin:admin', version='2.3')
    server = as_admin.get('/servers/detail', params={
        'all_tenants': 1}).json()['servers']
    mine = [s for s in server if s['id'] == booted][0]
    assert mine['OS-EXT-SRV-ATTR:host'] and 'OS-EXT-SRV-ATTR:user_data' in mine
    member = Client(endpoint, version='2.89').server(booted)
    assert 'OS-EXT-SRV-ATTR:host' not in member
    assert 'OS-EXT-SRV-ATTR:hostname' not in member
    assert Client(endpoint, version='2.90').server(booted)[
        'OS-EXT-SRV-ATTR:hostname'] == 'versions'


def test_host_status_for_admins_from_2_16(endpoint, booted):
    admin = Client(endpoint, token='admin:admin', version='2.16')
    servers = admin.get('/servers/detail', params={
        'all_tenants': 1}).json()['servers']
    assert [s['host_status'] for s in servers if s['id'] == booted] == ['UP']


@pytest.mark.parametrize('version,swap', [('2.74', ''), ('2.75', 0)])
def test_flavor_swap_by_microversion(endpoint, version, swap):
    flavor = Client(endpoint, version=version).get('/flavors/1').json()[
        'flavor']
    assert flavor['swap'] == swap


@pytest.mark.parametrize('version,fields', [
    ('2.54', set()), ('2.55', {'description'}),
    ('2.61', {'description', 'extra_specs'})])
def test_flavor_fields_by_microversion(endpoint, version, fields):
    flavor = Client(endpoint, version=version).get('/flavors/1').json()[
        'flavor']
    assert {'description', 'extra_specs'} & set(flavor) == fields


def test_image_proxy_gone_from_2_36(endpoint, image_id):
    assert Client(endpoint, version='2.35').get(
        '/images/%s' % image_id).json()['image']['status'] == 'ACTIVE'
    assert Client(endpoint, version='2.36').get(
        '/images/%s' % image_id).status_code == 404


def test_scheduler_hints_and_pinned_zone_are_shown(endpoint, image_id):
    """2.96 shows the zone a create asked for, 2.100 the hints it gave
    (values as lists, as Nova's request spec keeps them)."""
    api = Client(endpoint)
    response = api.post('/servers', json={
        'server': {'name': 'hinted', 'flavorRef': '1', 'imageRef': image_id,
                   'networks': 'none', 'availability_zone': 'nova'},
        'os:scheduler_hints': {'same_host': image_id, 'custom': 'x'}})
    assert response.status_code == 202, response.text
    server_id = response.json()['server']['id']
    try:
        shown = api.server(server_id)
        assert shown['scheduler_hints'] == {'same_host': [image_id],
                                            'custom': ['x']}
        assert shown['pinned_availability_zone'] == 'nova'
        assert Client(endpoint).server(booted_unhinted := api.boot(
            'unhinted', image=image_id)['id'])['scheduler_hints'] == {}
        assert api.server(booted_unhinted)['pinned_availability_zone'] is \
            None
        api.delete('/servers/%s' % booted_unhinted)
    finally:
        api.delete('/servers/%s' % server_id)
