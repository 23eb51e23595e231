"""``/os-services``: list, enable/disable, force down, delete (admins)."""
import pytest

from nova_core.db import services as db_services
from tests.fixtures.client import Client, fault


def _compute(admin):
    (service,) = admin.get('/os-services', params={
        'binary': 'nova-compute', 'host': _host()}).json()['services']
    return service


def _host():
    from nova_core.conf import CONF
    return CONF.host


def test_list(admin, api):
    services = admin.get('/os-services').json()['services']
    assert {s['binary'] for s in services} >= {'nova-compute',
                                               'nova-conductor'}
    assert all(s['state'] == 'up' for s in services)
    response = api.get('/os-services')
    assert response.status_code == 403 and fault(response)[0] == 'forbidden'


def test_disable_with_reason_then_enable(admin, api, image_id):
    service = _compute(admin)
    try:
        response = admin.put('/os-services/%s' % service['id'], json={
            'status': 'disabled', 'disabled_reason': 'maintenance'})
        assert response.status_code == 200, response.text
        shown = response.json()['service']
        assert (shown['status'], shown['disabled_reason']) == (
            'disabled', 'maintenance')
        server_id = api.boot('nowhere', image=image_id)['id']
        assert api.wait_for(server_id, 'ERROR')['fault']['message'].startswith(
            'No valid host')
        api.delete('/servers/%s' % server_id)
    finally:
        enabled = admin.put('/os-services/%s' % service['id'], json={
            'status': 'enabled'})
    assert enabled.json()['service']['status'] == 'enabled'
    assert enabled.json()['service']['disabled_reason'] is None


def test_forced_down_shows_down(admin):
    service = _compute(admin)
    try:
        response = admin.put('/os-services/%s' % service['id'], json={
            'forced_down': True})
        assert response.json()['service']['state'] == 'down'
    finally:
        admin.put('/os-services/%s' % service['id'],
                  json={'forced_down': False})
    assert _compute(admin)['state'] == 'up'


def test_legacy_actions_before_2_53(endpoint):
    old = Client(endpoint, token='admin:admin', version='2.52')
    body = {'host': _host(), 'binary': 'nova-compute'}
    try:
        response = old.put('/os-services/disable-log-reason', json=dict(
            body, disabled_reason='old style'))
        assert response.status_code == 200, response.text
        assert response.json()['service']['status'] == 'disabled'
    finally:
        assert old.put('/os-services/enable', json=body).json()[
            'service']['status'] == 'enabled'
    ids = [s['id'] for s in old.get('/os-services').json()['services']]
    assert all(isinstance(i, int) for i in ids)


@pytest.mark.parametrize('body,words', [
    ({}, "No updates were requested"),
    ({'status': 'enabled', 'disabled_reason': 'x'},
     "'disabled_reason' with status 'enabled'"),
    ({'status': 'paused'}, 'status'),
    ({'status': 'disabled', 'colour': 'red'}, 'Additional properties'),
])
def test_bad_updates_change_nothing(admin, body, words):
    service = _compute(admin)
    response = admin.put('/os-services/%s' % service['id'], json=body)
    assert response.status_code == 400 and words in fault(response)[2]
    assert _compute(admin)['status'] == 'enabled'


def test_conductors_cannot_be_updated_and_bad_ids(admin):
    conductor = admin.get('/os-services', params={
        'binary': 'nova-conductor'}).json()['services'][0]
    response = admin.put('/os-services/%s' % conductor['id'],
                         json={'status': 'disabled'})
    assert response.status_code == 400
    assert admin.put('/os-services/not-a-uuid', json={
        'status': 'disabled'}).status_code == 400
    assert admin.delete('/os-services/%s' % (
        '00000000-0000-0000-0000-000000000000')).status_code == 404


def test_delete(admin):
    ghost = db_services.register('ghost-host', 'nova-compute', 'compute')
    assert admin.delete('/os-services/%s' % ghost['uuid']).status_code == \
        204
    assert 'ghost-host' not in [s['host'] for s in admin.get(
        '/os-services').json()['services']]
