"""``/os-hypervisors``: compute nodes, their resources and servers."""
import pytest

from tests.fixtures.client import Client, fault


def test_list_detail_show(admin, api, image_id):
    server_id = api.boot('on-a-hypervisor', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    (node,) = admin.get('/os-hypervisors').json()['hypervisors']
    assert set(node) == {'id', 'hypervisor_hostname', 'state', 'status'}
    assert (node['state'], node['status']) == ('up', 'enabled')
    shown = admin.get('/os-hypervisors/%s' % node['id'], params={
        'with_servers': 'true'}).json()['hypervisor']
    assert server_id in [s['uuid'] for s in shown['servers']]
    assert shown['hypervisor_type'] == 'fake' and 'uptime' in shown
    old = Client(admin.endpoint, token='admin:admin', version='2.87')
    (detail,) = old.get('/os-hypervisors/detail').json()['hypervisors']
    assert detail['memory_mb_used'] >= 512 and detail['running_vms'] >= 1
    assert isinstance(detail['cpu_info'], dict)
    assert isinstance(detail['id'], str)
    ancient = Client(admin.endpoint, token='admin:admin', version='2.27')
    (legacy,) = ancient.get('/os-hypervisors/detail').json()['hypervisors']
    assert isinstance(legacy['id'], int)
    assert isinstance(legacy['cpu_info'], str)
    api.delete('/servers/%s' % server_id)


@pytest.mark.parametrize('path,params,status', [
    ('/os-hypervisors/not-a-uuid', {}, 400),
    ('/os-hypervisors/00000000-0000-0000-0000-000000000000', {}, 404),
    ('/os-hypervisors', {'limit': 'x'}, 400),
    ('/os-hypervisors', {'marker': 'nope'}, 400),
    ('/os-hypervisors', {'hypervisor_hostname_pattern': 'no-such'}, 404),
])
def test_bad_requests(admin, path, params, status):
    response = admin.get(path, params=params)
    assert response.status_code == status, response.text
    fault(response)


def test_members_may_not(api):
    response = api.get('/os-hypervisors')
    assert response.status_code == 403


def _client(admin, version):
    return Client(admin.endpoint, token='admin:admin', version=version)


def test_statistics_before_2_88(admin):
    old = _client(admin, '2.87')
    response = old.get('/os-hypervisors/statistics')
    assert response.status_code == 200, response.text
    stats = response.json()['hypervisor_statistics']
    assert stats['count'] == 1 and stats['vcpus'] > 0
    assert stats['free_ram_mb'] == stats['memory_mb'] - stats[
        'memory_mb_used']
    assert admin.get('/os-hypervisors/statistics').status_code == 404


def test_uptime_before_2_88_and_in_show_after(admin):
    old = _client(admin, '2.87')
    (node,) = old.get('/os-hypervisors').json()['hypervisors']
    response = old.get('/os-hypervisors/%s/uptime' % node['id'])
    assert response.status_code == 200, response.text
    assert ' up ' in response.json()['hypervisor']['uptime']
    assert admin.get('/os-hypervisors/%s/uptime'
                     % node['id']).status_code == 404
    shown = admin.get('/os-hypervisors/%s' % node['id']).json()
    assert ' up ' in shown['hypervisor']['uptime']
    missing = old.get('/os-hypervisors/%s/uptime'
                      % '00000000-0000-0000-0000-000000000000')
    assert missing.status_code == 404


def test_search_and_servers_before_2_53(admin, api, image_id):
    server_id = api.boot('searched', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    old = _client(admin, '2.52')
    (node,) = old.get('/os-hypervisors').json()['hypervisors']
    pattern = node['hypervisor_hostname'][:3]
    (found,) = old.get('/os-hypervisors/%s/search'
                       % pattern).json()['hypervisors']
    assert found['id'] == node['id']
    (hosting,) = old.get('/os-hypervisors/%s/servers'
                         % pattern).json()['hypervisors']
    assert server_id in [s['uuid'] for s in hosting['servers']]
    assert old.get('/os-hypervisors/no-such/search').status_code == 404
    assert admin.get('/os-hypervisors/%s/search'
                     % pattern).status_code == 404
    api.delete('/servers/%s' % server_id)


def test_non_integer_id_before_2_53_is_not_found(admin):
    response = _client(admin, '2.52').get(
        '/os-hypervisors/00000000-0000-0000-0000-000000000000')
    assert response.status_code == 404, response.text
