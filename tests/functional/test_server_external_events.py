"""``POST /os-server-external-events``: events other services report."""
import time
import uuid

import pytest

from tests.fixtures.client import Client, fault

PATH = '/os-server-external-events'


@pytest.fixture
def service(endpoint):
    """The network service's user: role ``service`` only, no admin."""
    client = Client(endpoint, token='neutron:service')
    client.session.headers['X-Roles'] = 'service'
    return client


@pytest.fixture
def api(endpoint):
    """A project of the test's own (quotas start at zero), its servers
    deleted after the test."""
    project = 'ev-' + uuid.uuid4().hex[:10]
    client = Client(endpoint, token='%s:%s' % (project, project))
    yield client
    for server in client.get('/servers').json()['servers']:
        client.delete('/servers/%s' % server['id'])


@pytest.fixture
def active(api, image_id):
    server = api.boot('ev', image=image_id)
    api.wait_for(server['id'], 'ACTIVE')
    return server['id']


def _send(client, *events, version=None):
    if version:
        client = client.as_user(version=version)
    return client.post(PATH, json={'events': list(events)})


def _actions(api, server_id):
    return api.get('/servers/%s/os-instance-actions' % server_id).json()[
        'instanceActions']


def test_network_changed_is_accepted(service, active):
    """Tempest's test_create_server_external_events."""
    response = _send(service, {'name': 'network-changed',
                               'server_uuid': active})
    assert response.status_code == 200, response.text
    assert response.json() == {'events': [{
        'name': 'network-changed', 'server_uuid': active,
        'status': 'completed', 'code': 200}]}


def test_status_and_tag_are_echoed(admin, active):
    response = _send(admin, {'name': 'network-vif-plugged',
                             'server_uuid': active, 'status': 'failed',
                             'tag': 'port-1'})
    assert response.status_code == 200
    assert response.json()['events'][0] == {
        'name': 'network-vif-plugged', 'server_uuid': active,
        'status': 'completed', 'tag': 'port-1', 'code': 200}


def test_unknown_server_is_207_with_404(admin, active):
    unknown = str(uuid.uuid4())
    response = _send(admin, {'name': 'network-changed',
                             'server_uuid': active},
                     {'name': 'network-changed', 'server_uuid': unknown})
    assert response.status_code == 207
    codes = [(e['code'], e['status']) for e in response.json()['events']]
    assert codes == [(200, 'completed'), (404, 'failed')]
    # None found at all: still 207 (Nova dropped the blanket 404).
    response = _send(admin, {'name': 'network-changed',
                             'server_uuid': unknown})
    assert response.status_code == 207
    assert response.json()['events'][0]['code'] == 404


def test_server_not_on_a_host_is_422(admin, api, image_id):
    flavor = admin.post('/flavors', json={'flavor': {
        'name': 'ev-huge-' + uuid.uuid4().hex[:6], 'ram': 10 ** 8,
        'vcpus': 1, 'disk': 1}}).json()['flavor']
    project = api.session.headers['X-Auth-Token'].split(':')[1]
    admin.put('/os-quota-sets/%s' % project,
              json={'quota_set': {'ram': -1}})
    try:
        server = api.boot('ev-nohost', flavor=flavor['id'], image=image_id)
        api.wait_for(server['id'], 'ERROR')
        response = _send(admin, {'name': 'network-changed',
                                 'server_uuid': server['id']})
        assert response.status_code == 207
        assert response.json()['events'][0]['code'] == 422
        assert response.json()['events'][0]['status'] == 'failed'
    finally:
        admin.delete('/flavors/%s' % flavor['id'])


@pytest.mark.parametrize('name, version', [
    ('volume-extended', '2.50'), ('power-update', '2.75'),
    ('accelerator-request-bound', '2.81'), ('volume-reimaged', '2.92'),
    ('no-such-event', '2.100')])
def test_event_name_by_microversion(admin, active, name, version):
    response = _send(admin, {'name': name, 'server_uuid': active,
                             'tag': 't'}, version=version)
    assert response.status_code == 400, response.text
    assert 'name' in fault(response)[2]


@pytest.mark.parametrize('name, version', [
    ('volume-extended', '2.51'), ('accelerator-request-bound', '2.82'),
    ('volume-reimaged', '2.93')])
def test_event_names_of_their_microversion(admin, active, name, version):
    response = _send(admin, {'name': name, 'server_uuid': active,
                             'tag': 'vol-1'}, version=version)
    assert response.status_code == 200, response.text
    assert response.json()['events'][0]['code'] == 200


@pytest.mark.parametrize('name', ['volume-extended', 'power-update',
                                  'accelerator-request-bound'])
def test_tag_required_events_without_tag_are_400(admin, active, name):
    response = _send(admin, {'name': name, 'server_uuid': active})
    assert response.status_code == 207
    assert response.json()['events'][0]['code'] == 400
    assert response.json()['events'][0]['status'] == 'failed'


@pytest.mark.parametrize('body', [
    {},
    {'events': []},
    {'events': [{'name': 'network-changed'}]},
    {'events': [{'server_uuid': str(uuid.uuid4())}]},
    {'events': [{'name': 'network-changed', 'server_uuid': 'not-a-uuid'}]},
    {'events': [{'name': 'network-changed', 'server_uuid': str(
        uuid.uuid4()), 'status': 'done'}]},
    {'events': [{'name': 'network-changed', 'server_uuid': str(
        uuid.uuid4()), 'tag': 't' * 256}]},
    {'events': [{'name': 'network-changed', 'server_uuid': str(
        uuid.uuid4()), 'extra': 1}]},
    {'events': {'name': 'network-changed'}},
])
def test_bad_bodies_are_400(admin, body):
    response = admin.post(PATH, json=body)
    assert response.status_code == 400, response.text
    assert 'badRequest' in response.json()


@pytest.mark.parametrize('token, roles, status', [
    ('demo:demo', None, 403),
    ('demo:demo', 'member,reader', 403),
    ('neutron:service', 'service', 200),
    ('admin:admin', None, 200),
])
def test_policy(endpoint, active, token, roles, status):
    client = Client(endpoint, token=token)
    if roles:
        client.session.headers['X-Roles'] = roles
    response = _send(client, {'name': 'network-changed',
                              'server_uuid': active})
    assert response.status_code == status, response.text
    if status == 403:
        assert 'forbidden' in response.json()


def _wait_status(api, server_id, status, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = api.server(server_id)
        if server['status'] == status and server['OS-EXT-STS:task_state'] \
                is None:
            return server
        time.sleep(0.1)
    raise AssertionError('%s never became %s: %s' % (server_id, status,
                                                     server['status']))


def test_power_update_powers_off_and_on(admin, api, active):
    response = _send(admin, {'name': 'power-update', 'server_uuid': active,
                             'tag': 'POWER_OFF'}, version='2.76')
    assert response.status_code == 200, response.text
    server = _wait_status(api, active, 'SHUTOFF')
    assert server['OS-EXT-STS:power_state'] == 4
    response = _send(admin, {'name': 'power-update', 'server_uuid': active,
                             'tag': 'POWER_ON'}, version='2.76')
    assert response.status_code == 200
    server = _wait_status(api, active, 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == 1
    actions = _actions(api, active)
    assert [a['action'] for a in actions][:2] == ['start', 'stop']
    detail = api.get('/servers/%s/os-instance-actions/%s' % (
        active, actions[0]['request_id'])).json()['instanceAction']
    assert [(e['event'], e['result']) for e in detail['events']] == [
        ('compute_power_update', 'Success')]


def test_power_update_in_the_wrong_state_is_a_no_op(admin, api, active):
    """POWER_ON for a running server changes nothing."""
    response = _send(admin, {'name': 'power-update', 'server_uuid': active,
                             'tag': 'POWER_ON'}, version='2.76')
    assert response.status_code == 200
    time.sleep(0.5)
    server = api.server(active)
    assert (server['status'], server['OS-EXT-STS:power_state']) == (
        'ACTIVE', 1)


def test_power_update_with_unknown_tag_records_nothing(admin, api, active):
    response = _send(admin, {'name': 'power-update', 'server_uuid': active,
                             'tag': 'POWER_SIDEWAYS'}, version='2.76')
    assert response.status_code == 200
    assert response.json()['events'][0]['code'] == 200
    assert [a['action'] for a in _actions(api, active)] == ['create']
    assert api.server(active)['status'] == 'ACTIVE'


def test_volume_extended_records_an_action(admin, api, active):
    response = _send(admin, {'name': 'volume-extended',
                             'server_uuid': active, 'tag': 'vol-1'},
                     version='2.51')
    assert response.status_code == 200
    assert [a['action'] for a in _actions(api, active)] == [
        'extend_volume', 'create']
    assert api.server(active)['status'] == 'ACTIVE'


@pytest.mark.parametrize('version', ['2.1', '2.76', '2.93'])
def test_answers_as_tempest_expects(admin, active, version):
    """Tempest's own response schema, with its own validator (skipped
    without the Tempest venv, as tests/functional/test_tempest_schemas)."""
    from tests.functional import test_tempest_schemas as tempest
    if not tempest.os.path.exists(tempest._PYTHON):
        pytest.skip('no Tempest venv at %s' % tempest._VENV)
    response = _send(admin, {'name': 'network-changed',
                             'server_uuid': active, 'tag': 'p'},
                     version=version)
    assert response.status_code == 200
    assert tempest._tempest_refuses([
        ('v2_1.server_external_events', 'create', response)]) == []
