"""Each class of bad input, across the endpoints that take it: huge and
negative integers, digits that are not ASCII, dates out of range, deep
JSON, long lists, taken ids, foreign content types. Every one is a 4xx in
Nova's error format, and nothing changes."""
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.fixtures.client import Client, fault

HUGE = '9' * 5000
DEEP = b'{"a":' * 990 + b'1' + b'}' * 990
EARLY = '0001-01-01T00:00:00+05:00'   # before year 1 in UTC
LATE = '9999-12-31T23:59:59-05:00'    # after year 9999 in UTC
PATCH = 'application/openstack-images-v2.1-json-patch'
PUBLIC_KEY = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
    serialization.Encoding.OpenSSH,
    serialization.PublicFormat.OpenSSH).decode()


class Door:
    """One project of its own with one of everything, and an admin."""

    def __init__(self, endpoint, image_id):
        self.project = 'cls-%s' % uuid.uuid4().hex[:8]
        self.api = Client(endpoint, token='u1:%s' % self.project)
        self.admin = Client(endpoint, token='admin:admin')
        self.glance = Client(endpoint.rsplit('/v2.1', 1)[0] + '/image/v2',
                             token='u1:%s' % self.project, version=None)
        self.server = self.api.boot('cls-target', image=image_id)['id']
        self.api.wait_for(self.server, 'ACTIVE')
        self.image = self.glance.post('/images', json={
            'name': 'cls-image'}).json()['id']
        created = self.api.post('/os-keypairs', json={'keypair': {
            'name': 'cls-key', 'public_key': PUBLIC_KEY}})
        assert created.status_code in (200, 201), created.text
        assert self.admin.post('/flavors', json={'flavor': {
            'name': 'cls-%s' % self.project, 'id': self.project, 'ram': 64,
            'vcpus': 1, 'disk': 0}}).status_code == 200

    def state(self):
        """Everything a bad request could have changed."""
        server = self.api.server(self.server)
        return {
            'servers': sorted(s['id'] for s in self.api.get(
                '/servers').json()['servers']),
            'server': (server['status'], server['name'],
                       server['OS-EXT-STS:task_state'], server['metadata'],
                       server['tags']),
            'images': sorted((i['id'], i['owner'], i['min_ram']) for i in
                             self.glance.get('/images').json()['images']),
            'keypairs': sorted(k['keypair']['name'] for k in self.api.get(
                '/os-keypairs').json()['keypairs']),
            'groups': self.api.get('/os-server-groups').json(),
            'quota': self.admin.get('/os-quota-sets/%s' % self.project
                                    ).json(),
            'flavors': sorted((f['id'], f['ram']) for f in self.admin.get(
                '/flavors/detail').json()['flavors']),
        }


@pytest.fixture(scope='module')
def door(endpoint, image_id):
    return Door(endpoint, image_id)


def _query(path, **params):
    return ('api', 'GET', path, {'params': params})


def _admin_query(path, **params):
    return ('admin', 'GET', path, {'params': params})


def _json(who, method, path, body):
    return (who, method, path, {'json': body})


def _raw(who, method, path, data, content_type='application/json'):
    return (who, method, path, {'data': data,
                                'headers': {'Content-Type': content_type}})


def _server(**fields):
    server = {'name': 'x', 'flavorRef': '1', 'networks': 'none',
              'imageRef': '{image_id}'}
    server.update(fields)
    return {'server': server}


def _quota(value):
    return _json('admin', 'PUT', '/os-quota-sets/{project}',
                 {'quota_set': {'cores': value}})


def _flavor(**fields):
    flavor = {'name': 'bad-%s' % uuid.uuid4().hex[:6], 'ram': 64,
              'vcpus': 1, 'disk': 0}
    flavor.update(fields)
    return _json('admin', 'POST', '/flavors', {'flavor': flavor})


def _group(value):
    return _json('api', 'POST', '/os-server-groups', {'server_group': {
        'name': 'g', 'policy': 'anti-affinity',
        'rules': {'max_server_per_host': value}}})


def _console(value):
    return _json('api', 'POST', '/servers/{server}/action',
                 {'os-getConsoleOutput': {'length': value}})


# (input class, case id, request, expected status)
CASES = [
    ('huge-int', 'servers-limit', _query('/servers', limit=HUGE), 400),
    ('huge-int', 'detail-limit', _query('/servers/detail',
                                        limit='2147483648'), 400),
    ('huge-int', 'power-state', _query('/servers/detail',
                                       power_state='9' * 20), 400),
    ('huge-int', 'flavors-limit', _query('/flavors', limit=HUGE), 400),
    ('huge-int', 'keypairs-limit', _query('/os-keypairs', limit=HUGE), 400),
    ('huge-int', 'groups-offset', _query('/os-server-groups',
                                         offset=HUGE), 400),
    ('huge-int', 'actions-limit', _query(
        '/servers/{server}/os-instance-actions', limit=HUGE), 400),
    ('huge-int', 'hypervisors-limit', _admin_query('/os-hypervisors',
                                                   limit=HUGE), 400),
    ('huge-int', 'min-count', _json('api', 'POST', '/servers', _server(
        min_count=HUGE)), 400),
    ('huge-int', 'max-count-string', _json('api', 'POST', '/servers',
                                           _server(max_count='9' * 12)), 400),
    ('huge-int', 'max-count-over-cap', _json('api', 'POST', '/servers',
                                             _server(max_count=2 ** 31 - 1)),
     400),
    ('huge-int', 'quota-string', _quota(HUGE), 400),
    ('huge-int', 'quota-number', _quota(2 ** 40), 400),
    ('huge-int', 'flavor-ram', _flavor(ram='9' * 30), 400),
    ('huge-int', 'group-rule', _group(HUGE), 400),
    ('huge-int', 'console-length', _console(HUGE), 400),
    ('huge-int', 'image-min-ram', ('glance', 'PATCH', '/images/{image}', {
        'json': [{'op': 'replace', 'path': '/min_ram', 'value': 2 ** 40}],
        'headers': {'Content-Type': PATCH}}), 400),
    ('huge-int', 'image-size-min', ('glance', 'GET', '/images', {
        'params': {'size_min': HUGE}}), 400),
    ('non-ascii-digit', 'servers-limit', _query('/servers', limit='²'), 400),
    ('non-ascii-digit', 'groups-limit', _query('/os-server-groups',
                                               limit='١٢'), 400),
    ('non-ascii-digit', 'quota', _quota('²'), 400),
    ('non-ascii-digit', 'flavor-ram', _flavor(ram='²'), 400),
    ('non-ascii-digit', 'console-length', _console('²'), 400),
    ('non-ascii-digit', 'min-count', _json('api', 'POST', '/servers',
                                           _server(min_count='٣')), 400),
    ('non-ascii-digit', 'microversion', ('api', 'GET', '/servers', {
        'headers': {'OpenStack-API-Version': 'compute 2.²'}}), 400),
    ('negative', 'servers-limit', _query('/servers', limit='-1'), 400),
    ('negative', 'groups-offset', _query('/os-server-groups',
                                         offset='-1'), 400),
    ('negative', 'quota', _quota(-2), 400),
    ('negative', 'flavor-ram', _flavor(ram=-1), 400),
    ('negative', 'min-count', _json('api', 'POST', '/servers',
                                    _server(min_count=-1)), 400),
    ('negative', 'min-count-zero-string', _json(
        'api', 'POST', '/servers', _server(min_count='0')), 400),
    ('negative', 'group-rule', _group(-1), 400),
    ('negative', 'console-length', _console(-2), 400),
    ('negative', 'image-min-ram', ('glance', 'PATCH', '/images/{image}', {
        'json': [{'op': 'replace', 'path': '/min_ram', 'value': -1}],
        'headers': {'Content-Type': PATCH}}), 400),
    ('date', 'servers-early', _query('/servers', **{'changes-since': EARLY}),
     400),
    ('date', 'servers-late', _query('/servers/detail',
                                    **{'changes-since': LATE}), 400),
    ('date', 'servers-before', _query('/servers',
                                      **{'changes-before': EARLY}), 400),
    ('date', 'actions-early', _query('/servers/{server}/os-instance-actions',
                                     **{'changes-since': EARLY}), 400),
    ('date', 'not-a-date', _query('/servers', **{'changes-since': 'soon'}),
     400),
    ('deep-json', 'server-create', _raw('api', 'POST', '/servers', DEEP),
     400),
    ('deep-json', 'server-update', _raw('api', 'PUT', '/servers/{server}',
                                        DEEP), 400),
    ('deep-json', 'action', _raw('api', 'POST', '/servers/{server}/action',
                                 DEEP), 400),
    ('deep-json', 'metadata', _raw('api', 'POST',
                                   '/servers/{server}/metadata', DEEP), 400),
    ('deep-json', 'keypair', _raw('api', 'POST', '/os-keypairs', DEEP), 400),
    ('deep-json', 'group', _raw('api', 'POST', '/os-server-groups', DEEP),
     400),
    ('deep-json', 'flavor', _raw('admin', 'POST', '/flavors', DEEP), 400),
    ('deep-json', 'quota', _raw('admin', 'PUT', '/os-quota-sets/{project}',
                                DEEP), 400),
    ('deep-json', 'image-create', _raw('glance', 'POST', '/images', DEEP),
     400),
    ('deep-json', 'image-patch', _raw(
        'glance', 'PATCH', '/images/{image}',
        b'[{"op": "add", "path": "/x", "value": ' + b'[' * 990 +
        b']' * 990 + b'}]', PATCH), 400),
    ('long-list', 'tags', _query('/servers', tags=','.join(
        't%d' % i for i in range(1000))), 400),
    ('long-list', 'tags-any', _query('/servers', **{'tags-any': ','.join(
        't%d' % i for i in range(51))}), 400),
    ('long-list', 'not-tags-long-tag', _query('/servers', **{
        'not-tags': 'x' * 61}), 400),
    ('long-list', 'image-ids', ('glance', 'GET', '/images', {'params': {
        'id': 'in:' + ','.join(str(uuid.uuid4()) for _ in range(1001))}}),
     400),
    ('microversion', 'huge-minor', ('api', 'GET', '/servers', {
        'headers': {'OpenStack-API-Version': 'compute 2.' + HUGE}}), 406),
    ('microversion', 'huge-major', ('api', 'GET', '/servers', {
        'headers': {'OpenStack-API-Version': 'compute %s.1' % HUGE}}), 406),
    ('taken-id', 'flavor-id', _json('admin', 'POST', '/flavors', {
        'flavor': {'name': 'other-name', 'id': '{project}', 'ram': 64,
                   'vcpus': 1, 'disk': 0}}), 409),
    ('taken-id', 'keypair-name', _json('api', 'POST', '/os-keypairs', {
        'keypair': {'name': 'cls-key', 'public_key': PUBLIC_KEY}}), 409),
    ('taken-id', 'image-id', _json('glance', 'POST', '/images', {
        'id': '{image}', 'name': 'again'}), 409),
    ('content-type', 'server-create-xml', _raw(
        'api', 'POST', '/servers', b'{"server": {}}', 'application/xml'),
     415),
    ('content-type', 'action-form', _raw(
        'api', 'POST', '/servers/{server}/action', b'{"os-stop": null}',
        'application/x-www-form-urlencoded'), 415),
]


def _fill(value, door, image_id):
    names = {'server': door.server, 'image': door.image,
             'project': door.project, 'image_id': image_id}
    if isinstance(value, str):
        return value.format(**names) if '{' in value and len(value) < 200 \
            else value
    if isinstance(value, dict):
        return {k: _fill(v, door, image_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, door, image_id) for v in value]
    return value


@pytest.mark.parametrize('request_,status', [c[2:] for c in CASES],
                         ids=['%s:%s' % c[:2] for c in CASES])
def test_bad_input_is_4xx_and_changes_nothing(door, image_id, request_,
                                              status):
    who, method, path, kwargs = request_
    client = getattr(door, who)
    kwargs = _fill(kwargs, door, image_id)
    before = door.state()
    response = client.request(method, path.format(
        server=door.server, image=door.image, project=door.project),
        **kwargs)
    assert response.status_code == status, response.text[:500]
    key, code, message = fault(response)
    assert message and len(message) < 1000
    if status == 409:
        assert key == 'conflictingRequest'
    assert door.state() == before


def test_the_classes_are_all_here():
    assert {c[0] for c in CASES} == {
        'huge-int', 'non-ascii-digit', 'negative', 'date', 'deep-json',
        'long-list', 'microversion', 'taken-id', 'content-type'}


@pytest.mark.parametrize('value', ['²', '١'])
def test_non_ascii_integer_filter_matches_nothing(door, value):
    response = door.api.get('/servers/detail', params={'power_state':
                                                        value})
    assert (response.status_code, response.json()['servers']) == (200, [])


def test_405_names_the_allowed_methods(door):
    response = door.api.request('PATCH', '/servers')
    assert (response.status_code, fault(response)[0]) == (405, 'badMethod')
    assert set(response.headers['Allow'].split(', ')) >= {'GET', 'POST'}
    response = door.api.request('DELETE', '/flavors')
    assert 'DELETE' not in response.headers['Allow']


def test_empty_answers_have_no_content_type(door):
    response = door.api.action(door.server, {'os-stop': None})
    assert (response.status_code, response.content) == (202, b'')
    assert 'Content-Type' not in response.headers
    door.api.wait_for(door.server, 'SHUTOFF')
    assert door.api.action(door.server, {'os-start': None}
                            ).status_code == 202
    door.api.wait_for(door.server, 'ACTIVE')
    response = door.api.put('/servers/%s/tags/cls' % door.server)
    response = door.api.delete('/servers/%s/tags/cls' % door.server)
    assert (response.status_code, response.content) == (204, b'')
    assert 'Content-Type' not in response.headers


def test_json_body_as_text_plain_is_json_as_nova_reads_it(door):
    response = door.api.put('/servers/%s' % door.server,
                             data=b'{"server": {"name": "renamed"}}',
                             headers={'Content-Type': 'text/plain'})
    assert response.status_code == 200, response.text
    door.api.put('/servers/%s' % door.server,
                  json={'server': {'name': 'cls-target'}})


def test_name_filter_is_linear_and_right(door, image_id):
    name = 'a' * 29 + '!'
    server = door.api.boot(name, image=image_id)['id']
    try:
        listed = door.api.get('/servers', params={'name': '(a+)+$'})
        assert listed.status_code == 200
        assert server not in [s['id'] for s in listed.json()['servers']]
        listed = door.api.get('/servers', params={'name': '(a+)+!$'})
        assert [s['id'] for s in listed.json()['servers']] == [server]
        for bad in (r'(a)\1', '(?=a)', '(?<!a)b'):
            response = door.api.get('/servers', params={'name': bad})
            assert response.status_code == 400
            assert 'Invalid regular expression' in fault(response)[2]
    finally:
        door.api.delete('/servers/%s' % server)
