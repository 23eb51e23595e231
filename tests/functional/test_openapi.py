"""``GET /v2.1/openapi.json`` on the running cloud, and real answers checked
against the schemas it documents."""
import jsonschema
import pytest
import requests
from openapi_spec_validator import validate

from tests.fixtures.client import Client, fault


@pytest.fixture(scope='module')
def document(endpoint):
    response = requests.get(endpoint + '/openapi.json', timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _validator(document, path, method, code='200'):
    schema = document['paths'][path][method]['responses'][code]['content'][
        'application/json']['schema']
    resolver_doc = dict(schema, components=document['components'])
    return jsonschema.Draft202012Validator(resolver_doc)


def _assert_conforms(document, path, method, response, code='200'):
    assert response.status_code == int(code), response.text
    errors = sorted(_validator(document, path, method, code).iter_errors(
        response.json()), key=str)
    assert not errors, errors[0]


def test_document_needs_no_token_and_is_valid(endpoint, document):
    validate(document)
    assert document['info']['version'] == '2.100'
    response = requests.get(endpoint + '/openapi.json', timeout=30)
    assert response.headers['OpenStack-API-Version'] == 'compute 2.100'
    assert '/v2.1/servers/{server_id}' in document['paths']


def test_document_of_a_named_microversion(endpoint):
    response = requests.get(endpoint + '/openapi.json', timeout=30, headers={
        'OpenStack-API-Version': 'compute 2.18'})
    assert response.status_code == 200
    older = response.json()
    assert older['info']['version'] == '2.18'
    assert response.headers['OpenStack-API-Version'] == 'compute 2.18'
    server = older['paths']['/v2.1/servers']['post']['requestBody'][
        'content']['application/json']['schema']['properties']['server']
    assert 'description' not in server['properties']  # came with 2.19


@pytest.mark.parametrize('header, code', [('compute 2.101', 406),
                                          ('compute two', 400)])
def test_document_of_a_bad_microversion(endpoint, header, code):
    response = requests.get(endpoint + '/openapi.json', timeout=30, headers={
        'OpenStack-API-Version': header})
    assert fault(response)[1] == code


def test_real_servers_match_the_documented_schemas(api, admin, image_id,
                                                   document):
    server = api.boot('openapi-vm', image=image_id)
    api.wait_for(server['id'], 'ACTIVE')
    path = '/v2.1/servers/{server_id}'
    for client in (api, admin):
        _assert_conforms(document, path, 'get',
                         client.get('/servers/%s' % server['id']))
        _assert_conforms(document, '/v2.1/servers/detail', 'get',
                         client.get('/servers/detail'))
        _assert_conforms(document, '/v2.1/servers', 'get',
                         client.get('/servers'))
    _assert_conforms(document, path, 'put', api.put(
        '/servers/%s' % server['id'], json={'server': {'name': 'renamed'}}))
    assert api.delete('/servers/%s' % server['id']).status_code == 204


def test_flavors_and_versions_match_the_documented_schemas(api, endpoint,
                                                           document):
    _assert_conforms(document, '/v2.1/flavors', 'get', api.get('/flavors'))
    _assert_conforms(document, '/v2.1/flavors/detail', 'get',
                     api.get('/flavors/detail'))
    _assert_conforms(document, '/v2.1/flavors/{flavor_id}', 'get',
                     api.get('/flavors/1'))
    root = endpoint.rsplit('/v2.1', 1)[0]
    _assert_conforms(document, '/', 'get', requests.get(root + '/',
                                                        timeout=30))
    _assert_conforms(document, '/v2.1/', 'get', requests.get(
        endpoint + '/', timeout=30))


def test_errors_match_the_documented_fault(api, document):
    response = api.get('/servers/%s' % ('0' * 8 + '-0000-0000-0000-' +
                                        '0' * 12))
    _assert_conforms(document, '/v2.1/servers/{server_id}', 'get', response,
                     '404')
    response = api.post('/servers', json={'server': {}})
    _assert_conforms(document, '/v2.1/servers', 'post', response, '400')


# --- 5xx the fuzz found (tests/functional/test_fuzz.py) ----------------------

def test_image_list_of_limit_zero(endpoint):
    """``?limit=0`` gave a 500: an empty page has no next link."""
    images = Client(endpoint.replace('/v2.1', '/image/v2'), version=None)
    response = images.get('/images', params={'limit': 0})
    assert response.status_code == 200, response.text
    assert response.json()['images'] == []
    assert 'next' not in response.json()


def test_image_min_ram_beyond_the_columns_is_bad_input(endpoint):
    """An integer no DB column holds gave a 500 (overflow)."""
    images = Client(endpoint.replace('/v2.1', '/image/v2'), version=None)
    response = images.post('/images', json={'name': 'too-big',
                                            'min_ram': 2 ** 80})
    assert fault(response)[:2] == ('badRequest', 400)
    listed = images.get('/images', params={'name': 'too-big'}).json()
    assert listed['images'] == []


@pytest.mark.parametrize('path, raw', [
    ('/image/v2/images', b'{"name": "surrogate-\\udb59"}'),
    ('/v2.1/servers', b'{"server": {"name": "surrogate-\\udb59", '
                      b'"flavorRef": "1", "networks": "none"}}'),
])
def test_lone_surrogates_are_bad_input(endpoint, path, raw):
    """JSON may spell a lone UTF-16 surrogate; no database can store one,
    and it gave a 500."""
    root = endpoint.rsplit('/v2.1', 1)[0]
    response = requests.post(root + path, data=raw, timeout=30, headers={
        'X-Auth-Token': 'demo:demo', 'Content-Type': 'application/json'})
    key, code, message = fault(response)
    assert (key, code) == ('badRequest', 400)
    assert 'not a valid Unicode string' in message
