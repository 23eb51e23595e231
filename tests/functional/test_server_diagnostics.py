"""``/servers/{id}/diagnostics``: the guest as its hypervisor sees it."""
from tests.fixtures.client import Client


def test_standard_and_legacy_formats(admin, api, image_id):
    server_id = api.boot('diagnosed', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    response = admin.get('/servers/%s/diagnostics' % server_id)
    assert response.status_code == 200, response.text
    diagnostics = response.json()
    assert diagnostics['state'] == 'running'
    assert diagnostics['memory_details']['maximum'] == 512
    assert diagnostics['num_cpus'] == len(diagnostics['cpu_details']) == 1
    old = Client(admin.endpoint, token='admin:admin', version='2.47')
    legacy = old.get('/servers/%s/diagnostics' % server_id).json()
    assert legacy['memory'] == 512 and 'cpu0_time' in legacy
    assert api.get('/servers/%s/diagnostics'
                   % server_id).status_code == 403
    api.delete('/servers/%s' % server_id)


def test_unknown_server(admin):
    response = admin.get('/servers/00000000-0000-0000-0000-000000000000'
                         '/diagnostics')
    assert response.status_code == 404
