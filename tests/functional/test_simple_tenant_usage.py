"""``/os-simple-tenant-usage``: server hours per project, as Nova's."""
import datetime

import pytest

from tests.fixtures.client import Client, fault


def _window(minutes=10):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return {'start': (now - datetime.timedelta(minutes=minutes)).strftime(
        '%Y-%m-%dT%H:%M:%S'),
        'end': (now + datetime.timedelta(minutes=minutes)).strftime(
            '%Y-%m-%dT%H:%M:%S.%f')}


def test_list_and_show(admin, api, image_id):
    server_id = api.boot('counted', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    project = api.server(server_id)['tenant_id']
    listed = admin.get('/os-simple-tenant-usage', params=dict(
        _window(), detailed='1'))
    assert listed.status_code == 200, listed.text
    (usage,) = [u for u in listed.json()['tenant_usages']
                if u['tenant_id'] == project]
    (server,) = [s for s in usage['server_usages']
                 if s['instance_id'] == server_id]
    assert server['state'] == 'active' and server['ended_at'] is None
    assert server['flavor'] == 'm1.tiny' and server['memory_mb'] == 512
    assert 0 < server['hours'] < 1 and usage['total_hours'] > 0
    brief = admin.get('/os-simple-tenant-usage', params=_window()).json()
    assert all('server_usages' not in u for u in brief['tenant_usages'])
    shown = api.get('/os-simple-tenant-usage/%s' % project,
                    params=_window())
    assert shown.status_code == 200, shown.text
    assert server_id in [s['instance_id'] for s in
                         shown.json()['tenant_usage']['server_usages']]
    api.delete('/servers/%s' % server_id)
    api.wait_gone(server_id, timeout=60)
    after = api.get('/os-simple-tenant-usage/%s' % project,
                    params=_window()).json()['tenant_usage']
    (gone,) = [s for s in after['server_usages']
               if s['instance_id'] == server_id]
    assert gone['state'] == 'terminated' and gone['ended_at']


def test_paging_from_2_40(admin, api, image_id):
    ids = [api.boot('paged-%d' % i, image=image_id)['id'] for i in range(2)]
    for server_id in ids:
        api.wait_for(server_id, 'ACTIVE', timeout=60)
    project = api.server(ids[0])['tenant_id']
    page = admin.get('/os-simple-tenant-usage/%s' % project,
                     params=dict(_window(), limit=1)).json()
    assert len(page['tenant_usage']['server_usages']) == 1
    assert page['tenant_usage_links'][0]['rel'] == 'next'
    old = Client(admin.endpoint, token='admin:admin', version='2.39')
    unpaged = old.get('/os-simple-tenant-usage/%s' % project,
                      params=dict(_window(), limit=1)).json()
    assert len(unpaged['tenant_usage']['server_usages']) >= 2
    for server_id in ids:
        api.delete('/servers/%s' % server_id)


def test_nothing_in_period(admin):
    response = admin.get('/os-simple-tenant-usage/no-such-project',
                         params=_window())
    assert response.json() == {'tenant_usage': {}}


@pytest.mark.parametrize('params', [
    {'start': 'yesterday'},
    {'start': '2030-01-01T00:00:00', 'end': '2020-01-01T00:00:00'},
    {'marker': 'no-such-server'},
])
def test_bad_requests(admin, params):
    response = admin.get('/os-simple-tenant-usage', params=params)
    assert response.status_code == 400, response.text
    fault(response)


def test_members_see_their_own_only(api):
    assert api.get('/os-simple-tenant-usage').status_code == 403
    assert api.get('/os-simple-tenant-usage/other').status_code == 403


def test_empty_tenant_id_is_not_found(admin):
    response = admin.get('/os-simple-tenant-usage/', params=_window())
    assert response.status_code == 404, response.text
