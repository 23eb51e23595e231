"""``/os-hosts`` (up to 2.42): listing, a host's resources, enabling and
disabling its compute service, and what Nova refuses."""
import pytest

from tests.fixtures.client import fault

V = '2.42'


@pytest.fixture
def hosts(admin):
    return admin.as_user(version=V)


def _compute(hosts):
    listed = hosts.get('/os-hosts').json()['hosts']
    (compute,) = [h for h in listed if h['service'] == 'compute']
    return compute


def test_list_and_zone(hosts):
    listed = hosts.get('/os-hosts').json()['hosts']
    assert {h['service'] for h in listed} >= {'compute', 'conductor'}
    assert {h['zone'] for h in listed if h['service'] == 'conductor'} == {
        'internal'}
    compute = _compute(hosts)
    zoned = hosts.get('/os-hosts', params={'zone': compute['zone']})
    assert zoned.json()['hosts'] == [compute]
    assert hosts.get('/os-hosts', params={'zone': 'xxx'}).json() == {
        'hosts': []}
    assert hosts.get('/os-hosts', params={'zone': ''}).json()['hosts'] == (
        listed)


def test_show(hosts, api, image_id):
    server_id = api.boot('hosted', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    try:
        name = _compute(hosts)['host_name']
        resp = hosts.get('/os-hosts/%s' % name)
        assert resp.status_code == 200, resp.text
        shown = [r['resource'] for r in resp.json()['host']]
        assert [r['project'] for r in shown[:3]] == [
            '(total)', '(used_now)', '(used_max)']
        assert all(r['host'] == name for r in shown)
        project = api.server(server_id)['tenant_id']
        (mine,) = [r for r in shown if r['project'] == project]
        assert mine['memory_mb'] >= 512 and mine['cpu'] >= 1
    finally:
        api.delete('/servers/%s' % server_id)


def test_disable_and_enable(hosts, admin):
    name = _compute(hosts)['host_name']
    try:
        resp = hosts.put('/os-hosts/%s' % name, json={'status': 'Disable'})
        assert resp.json() == {'host': name, 'status': 'disabled'}
        (service,) = admin.get('/os-services', params={
            'binary': 'nova-compute'}).json()['services']
        assert service['status'] == 'disabled'
        assert all(h['service'] != 'compute' for h in
                   hosts.get('/os-hosts').json()['hosts'])
    finally:
        resp = hosts.put('/os-hosts/%s' % name, json={'status': 'enable'})
    assert resp.json() == {'host': name, 'status': 'enabled'}


@pytest.mark.parametrize('body', [
    {}, {'status': 'invalid'}, {'maintenance_mode': 'on'},
    {'status': 'enable', 'foo': 1}, [],
])
def test_bad_update(hosts, body):
    name = _compute(hosts)['host_name']
    resp = hosts.put('/os-hosts/%s' % name, json=body)
    assert resp.status_code == 400, resp.text


def test_not_supported_changes_nothing(hosts, admin):
    name = _compute(hosts)['host_name']
    resp = hosts.put('/os-hosts/%s' % name, json={
        'status': 'disable', 'maintenance_mode': 'enable'})
    assert fault(resp) == ('notImplemented', 501, 'The requested '
                           'functionality is not supported.')
    assert _compute(hosts)['host_name'] == name  # still enabled
    for action in ('startup', 'shutdown', 'reboot'):
        resp = hosts.get('/os-hosts/%s/%s' % (name, action))
        assert resp.status_code == 501, resp.text


@pytest.mark.parametrize('method,path', [
    ('get', '/os-hosts/nohost'), ('get', '/os-hosts/nohost/reboot'),
    ('get', '/os-hosts/nohost/startup'), ('get', '/os-hosts/nohost/shutdown'),
])
def test_unknown_host(hosts, method, path):
    resp = getattr(hosts, method)(path)
    assert resp.status_code == 404, resp.text
    resp = hosts.put('/os-hosts/nohost', json={'status': 'enable'})
    assert fault(resp) == ('itemNotFound', 404,
                           'Host nohost could not be found.')


def test_admin_only_and_gone_from_2_43(api, admin):
    for path in ('/os-hosts', '/os-hosts/x', '/os-hosts/x/reboot'):
        resp = api.as_user(version=V).get(path)
        assert resp.status_code == 403, resp.text
        resp = admin.as_user(version='2.43').get(path)
        assert resp.status_code == 404, resp.text
