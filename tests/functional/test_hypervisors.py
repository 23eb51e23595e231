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
