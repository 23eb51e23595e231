"""Every wrong input gets a 4xx in Nova's error format and changes nothing."""
import json
import uuid

import pytest

from tests.fixtures.client import fault

GOOD = {'name': 'ok', 'flavorRef': '1', 'networks': 'none'}


def _server(**changes):
    server = dict(GOOD, **changes)
    return {'server': {k: v for k, v in server.items() if v is not None}}


# (id, body or raw bytes, expected status, words in the message)
CREATE_CASES = [
    ('not-json', b'{"server": ', 400, 'not valid JSON'),
    ('empty-body', b'', 400, 'empty'),
    ('json-array', b'[1, 2]', 400, 'JSON object'),
    ('no-server-key', {'servers': GOOD}, 400, "'server' is a required"),
    ('unknown-field', _server(colour='blue'), 400,
     "Additional properties are not allowed ('colour' was unexpected)"),
    ('unknown-top-level', dict(_server(), extra=1), 400,
     'Additional properties'),
    ('missing-name', _server(name=None), 400, "'name' is a required"),
    ('missing-flavor', _server(flavorRef=None), 400,
     "'flavorRef' is a required"),
    ('missing-networks', _server(networks=None), 400,
     "'networks' is a required"),
    ('blank-name', _server(name=''), 400, 'name'),
    ('name-with-spaces-around', _server(name=' x '), 400,
     "An invalid 'name' value"),
    ('long-name', _server(name='x' * 256), 400, 'is too long'),
    ('unknown-flavor', _server(flavorRef='no-such-flavor'), 400,
     'Flavor no-such-flavor could not be found'),
    ('malformed-image-uuid', _server(imageRef='not-a-uuid'), 400,
     'imageRef'),
    ('unknown-image', _server(imageRef=str(uuid.uuid4())), 400,
     'Can not find requested image'),
    ('bad-networks-value', _server(networks='everything'), 400,
     'networks'),
    ('network-list-needs-neutron', _server(networks=[{
        'uuid': str(uuid.uuid4())}]), 400, 'could not be found'),
    ('metadata-not-strings', _server(metadata={'a': 1}), 400,
     "field/attribute a. Value: 1. 1 is not of type 'string'"),
    ('min-over-max', _server(min_count=3, max_count=2), 400,
     'min_count must be <= max_count'),
    ('zero-count', _server(max_count=0), 400, 'max_count'),
    ('bad-user-data', _server(user_data='%%%not base64'), 400,
     'user_data'),
    ('unknown-zone', _server(availability_zone='mars'), 400,
     'availability zone is not available'),
    ('forced-host-by-member', _server(availability_zone='nova:somehost'),
     403, 'forced_host'),
    ('volume-bdm', _server(block_device_mapping_v2=[{
        'source_type': 'volume', 'destination_type': 'volume',
        'uuid': str(uuid.uuid4()), 'boot_index': 0}]), 400,
     'volume service'),
    ('unknown-keypair', _server(key_name='nokey'), 400,
     'Invalid key_name'),
    ('unknown-security-group', _server(security_groups=[{
        'name': 'web'}]), 400, 'Security group web not found'),
    ('nameless-security-group', _server(security_groups=[{}]), 400,
     'Security group None not found'),
]


def _count(api):
    return len(api.get('/servers', params={'deleted': 'false'}).json()[
        'servers'])


@pytest.fixture
def isolated(api):
    """A project of its own, so counting its servers is exact."""
    return api.as_user('badin:badin-%s' % uuid.uuid4().hex[:8])


@pytest.mark.parametrize('body,status,words', [c[1:] for c in CREATE_CASES],
                         ids=[c[0] for c in CREATE_CASES])
def test_bad_server_create(isolated, image_id, body, status, words):
    if isinstance(body, dict) and 'server' in body and \
            'imageRef' not in body['server']:
        body = json.loads(json.dumps(body))
        body['server']['imageRef'] = image_id
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = isolated.post('/servers', data=data,
                             headers={'Content-Type': 'application/json'})
    assert response.status_code == status, response.text
    _, _, message = fault(response)
    assert words in message
    assert _count(isolated) == 0


def test_oversize_body_is_413(isolated, image_id):
    body = _server(imageRef=image_id, metadata={
        'k%d' % i: 'v' * 255 for i in range(500)})
    response = isolated.post('/servers', json=body)
    assert response.status_code == 413
    assert fault(response)[0] == 'overLimit'
    assert _count(isolated) == 0


@pytest.mark.parametrize('params,words', [
    ({'limit': 'ten'}, 'limit'),
    ({'limit': '-1'}, 'limit'),
    ({'marker': str(uuid.uuid4())}, 'marker'),
    ({'sort_key': 'password'}, 'sort_key'),
    ({'sort_dir': 'sideways'}, 'sort_dir'),
    ({'changes-since': 'yesterday'}, 'changes-since'),
    ({'name': '(unclosed'}, 'regular expression'),
    ({'all_tenants': 'maybe'}, 'Unrecognized value'),
    ({'frobnicate': '1'}, 'Additional properties'),  # strict since 2.75
])
def test_bad_list_queries(api, params, words):
    response = api.get('/servers/detail', params=params)
    assert response.status_code == 400, response.text
    key, _, message = fault(response)
    assert key == 'badRequest' and words in message


def test_unknown_query_parameter_ignored_before_2_75(endpoint):
    from tests.fixtures.client import Client
    old = Client(endpoint, version='2.74')
    assert old.get('/servers', params={'frobnicate': 1}).status_code == 200


@pytest.mark.parametrize('path', [
    '/servers/not-a-uuid', '/servers/%s' % uuid.uuid4(),
    '/flavors/no-such', '/servers/%s/action' % uuid.uuid4()],
    # Fixed ids: xdist workers must collect the same test names.
    ids=['not-a-uuid', 'no-such-server', 'no-such-flavor',
         'no-such-server-action'])
def test_unknown_resources_are_404(api, path):
    response = (api.post(path, json={'os-stop': None})
                if path.endswith('action') else api.get(path))
    assert response.status_code == 404
    assert fault(response)[0] == 'itemNotFound'


def test_unknown_url_and_wrong_method(api):
    response = api.get('/no-such-collection')
    assert (response.status_code, fault(response)[0]) == (404,
                                                          'itemNotFound')
    response = api.request('PATCH', '/servers')
    assert (response.status_code, fault(response)[0]) == (405, 'badMethod')


def test_missing_token_is_401(endpoint):
    import requests
    response = requests.get(endpoint + '/servers')
    assert response.status_code == 401
    assert fault(response)[0] == 'unauthorized'


@pytest.mark.parametrize('header,status', [
    ('compute 2.101', 406), ('compute 3.0', 406), ('compute 2.0', 406),
    ('compute two', 400), ('compute 2.1.1', 400)])
def test_bad_microversions(endpoint, header, status):
    import requests
    response = requests.get(endpoint + '/servers', headers={
        'X-Auth-Token': 'demo:demo', 'OpenStack-API-Version': header})
    assert response.status_code == status
    assert fault(response)[1] == status


@pytest.mark.parametrize('body,status,words', [
    ({}, 400, 'should be non-empty'),
    ({'os-stop': None, 'os-start': None}, 400, 'exactly one action'),
    ({'frobnicate': None}, 400, 'no such action'),
    ({'reboot': {}}, 400, "'type' is a required"),
    ({'reboot': {'type': 'GENTLE'}}, 400, 'type'),
    ({'os-stop': {'force': True}}, 400, "'force' was unexpected"),
    ({'os-getConsoleOutput': {'length': 'all'}}, 400, 'length'),
])
def test_bad_actions_change_nothing(api, image_id, body, status, words):
    server_id = api.boot('action-target', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    response = api.action(server_id, body)
    assert response.status_code == status, response.text
    assert words in fault(response)[2]
    server = api.server(server_id)
    assert (server['status'], server['OS-EXT-STS:task_state']) == (
        'ACTIVE', None)
    api.delete('/servers/%s' % server_id)
