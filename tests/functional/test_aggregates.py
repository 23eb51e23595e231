"""``/os-aggregates`` and ``/os-availability-zone``: aggregates make
zones, the API and the scheduler follow them, as Nova's."""
import contextlib

import pytest

from tests.fixtures.client import Client, fault


@pytest.fixture
def compute_host(admin):
    (service,) = admin.get('/os-services', params={
        'binary': 'nova-compute'}).json()['services']
    return service['host']


@contextlib.contextmanager
def aggregate(admin, name, zone=None, hosts=()):
    body = {'name': name}
    if zone:
        body['availability_zone'] = zone
    response = admin.post('/os-aggregates', json={'aggregate': body})
    assert response.status_code == 200, response.text
    agg = response.json()['aggregate']
    for host in hosts:
        assert _act(admin, agg['id'], 'add_host', host=host).status_code \
            == 200
    try:
        yield agg
    finally:
        shown = admin.get('/os-aggregates/%s' % agg['id']).json()
        for host in shown['aggregate']['hosts']:
            _act(admin, agg['id'], 'remove_host', host=host)
        assert admin.delete('/os-aggregates/%s' % agg['id']).status_code \
            == 200


def _act(admin, aggregate_id, name, **body):
    return admin.post('/os-aggregates/%s/action' % aggregate_id,
                      json={name: body})


def _zones(client, path='/os-availability-zone'):
    response = client.get(path)
    assert response.status_code == 200, response.text
    return {z['zoneName']: z for z in
            response.json()['availabilityZoneInfo']}


def test_crud_and_hosts(admin, compute_host):
    with aggregate(admin, 'agg-crud', zone='az-crud') as agg:
        assert 'hosts' not in agg and 'metadata' not in agg
        assert agg['availability_zone'] == 'az-crud' and 'uuid' in agg
        added = _act(admin, agg['id'], 'add_host', host=compute_host)
        assert added.json()['aggregate']['hosts'] == [compute_host]
        again = _act(admin, agg['id'], 'add_host', host=compute_host)
        assert again.status_code == 409, again.text
        meta = _act(admin, agg['id'], 'set_metadata',
                    metadata={'ssd': 'true', 'gone': None}).json()
        assert meta['aggregate']['metadata'] == {
            'availability_zone': 'az-crud', 'ssd': 'true'}
        updated = admin.put('/os-aggregates/%s' % agg['id'], json={
            'aggregate': {'name': 'agg-renamed'}})
        assert updated.status_code == 200, updated.text
        assert updated.json()['aggregate']['updated_at']
        listed = admin.get('/os-aggregates').json()['aggregates']
        assert [a['name'] for a in listed
                if a['id'] == agg['id']] == ['agg-renamed']
        busy = admin.delete('/os-aggregates/%s' % agg['id'])
        assert busy.status_code == 400, busy.text
        old = Client(admin.endpoint, token='admin:admin', version='2.40')
        assert 'uuid' not in old.get('/os-aggregates/%s'
                                     % agg['id']).json()['aggregate']


def test_zone_from_aggregate(admin, api, compute_host):
    assert set(_zones(api)) == {'nova'}
    with aggregate(admin, 'agg-zone', zone='az-one',
                   hosts=[compute_host]):
        zones = _zones(api)
        assert set(zones) == {'az-one'}
        assert zones['az-one'] == {'zoneName': 'az-one', 'zoneState': {
            'available': True}, 'hosts': None}
        detail = _zones(admin, '/os-availability-zone/detail')
        assert set(detail) == {'az-one', 'internal'}
        service = detail['az-one']['hosts'][compute_host]['nova-compute']
        assert service['available'] and service['active']
        (svc,) = admin.get('/os-services', params={
            'binary': 'nova-compute'}).json()['services']
        assert svc['zone'] == 'az-one'
    assert set(_zones(api)) == {'nova'}


def test_scheduler_honours_zone(admin, api, image_id, compute_host):
    with aggregate(admin, 'agg-sched', zone='az-sched',
                   hosts=[compute_host]) as agg:
        server = api.boot('in-zone', image=image_id,
                          availability_zone='az-sched')
        api.wait_for(server['id'], 'ACTIVE', timeout=60)
        shown = api.server(server['id'])
        assert shown['OS-EXT-AZ:availability_zone'] == 'az-sched'
        moved = _act(admin, agg['id'], 'set_metadata',
                     metadata={'availability_zone': 'elsewhere'})
        assert moved.status_code == 400, moved.text
        api.delete('/servers/%s' % server['id'])
        api.wait_gone(server['id'], timeout=60)
        refused = api.boot('nowhere', image=image_id, expect=400,
                           availability_zone='nova')
        fault(refused)


def test_host_in_two_zones(admin, compute_host):
    with aggregate(admin, 'agg-a', zone='az-a', hosts=[compute_host]):
        with aggregate(admin, 'agg-b', zone='az-b') as other:
            response = _act(admin, other['id'], 'add_host',
                            host=compute_host)
            assert response.status_code == 409, response.text
        with aggregate(admin, 'agg-c', hosts=[compute_host]) as plain:
            response = admin.put('/os-aggregates/%s' % plain['id'], json={
                'aggregate': {'availability_zone': 'az-c'}})
            assert response.status_code == 400, response.text
            fault(response)


@pytest.mark.parametrize('method,path,body,status', [
    ('get', '/os-aggregates/999999', None, 404),
    ('get', '/os-aggregates/abc', None, 400),
    ('delete', '/os-aggregates/999999', None, 404),
    ('post', '/os-aggregates', {'aggregate': {}}, 400),
    ('post', '/os-aggregates', {'aggregate': {
        'name': 'x', 'availability_zone': 'a:b'}}, 400),
    ('put', '/os-aggregates/999999', {'aggregate': {'name': 'y'}}, 404),
    ('post', '/os-aggregates/999999/action', {'add_host': {'host': 'h'}},
     404),
    ('post', '/os-aggregates/999999/action', {'nope': {}}, 400),
])
def test_bad_requests(admin, method, path, body, status):
    response = admin.request(method, path, json=body)
    assert response.status_code == status, response.text
    fault(response)


def test_unknown_host_and_duplicate_name(admin):
    with aggregate(admin, 'agg-dup') as agg:
        response = _act(admin, agg['id'], 'add_host', host='no-such-host')
        assert response.status_code == 404, response.text
        response = _act(admin, agg['id'], 'remove_host', host='no-such')
        assert response.status_code == 404, response.text
        response = admin.post('/os-aggregates', json={
            'aggregate': {'name': 'agg-dup'}})
        assert response.status_code == 409, response.text


def test_members_may_not(api):
    assert api.get('/os-aggregates').status_code == 403
    assert api.post('/os-aggregates', json={
        'aggregate': {'name': 'mine'}}).status_code == 403
    assert api.get('/os-availability-zone/detail').status_code == 403
