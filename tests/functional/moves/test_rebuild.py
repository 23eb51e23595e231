"""rebuild through the API, conductor, compute and the fake driver."""

import pytest

from tests.fixtures.client import fault
from tests.functional.moves.helpers import (
    boot,
    conflict,
    wait_events,
)


def test_rebuild_changes_image_and_fields(api, server, other_image):
    response = api.action(server, {'rebuild': {
        'imageRef': other_image, 'name': 'rebuilt', 'metadata': {'a': 'b'},
        'adminPass': 'secret', 'description': 'again',
        'user_data': 'aGVsbG8=', 'hostname': 'rebuilt-host'}})
    assert response.status_code == 202, response.text
    body = response.json()['server']
    assert body['id'] == server
    assert body['adminPass'] == 'secret'
    # 2.75: the full server body, with the task under way.
    assert body['OS-EXT-STS:task_state'] == 'rebuilding'
    assert body['status'] == 'REBUILD'
    assert body['image']['id'] == other_image
    assert 'key_name' in body and 'security_groups' in body
    shown = api.wait_for(server, 'ACTIVE')
    assert (shown['name'], shown['metadata'], shown['description'],
            shown['image']['id']) == ('rebuilt', {'a': 'b'}, 'again',
                                      other_image)
    assert shown['OS-EXT-SRV-ATTR:hostname'] == 'rebuilt-host'
    assert wait_events(server, 'rebuild', 1) == [
        ('compute_rebuild_instance', 'Success')]


def test_rebuild_response_before_2_75(api, server, image_id):
    old = api.as_user(version='2.74')
    body = old.action(server, {'rebuild': {'imageRef': image_id}}).json()[
        'server']
    for hidden in ('OS-EXT-STS:task_state', 'OS-EXT-SRV-ATTR:host',
                   'OS-SRV-USG:launched_at', 'security_groups',
                   'OS-EXT-AZ:availability_zone', 'config_drive'):
        assert hidden not in body, hidden
    assert 'key_name' in body  # from 2.54 (show_keypair), as Nova's
    assert body['status'] == 'REBUILD' and 'adminPass' in body
    assert 'locked_reason' in body and 'tags' in body
    api.wait_for(server, 'ACTIVE')
    v21 = api.as_user(version='2.1')
    body = v21.action(server, {'rebuild': {'imageRef': image_id}}).json()[
        'server']
    assert 'description' not in body and 'locked' not in body
    assert 'key_name' not in body
    api.wait_for(server, 'ACTIVE')


def test_rebuild_without_password_when_disabled(api, server, image_id,
                                                conf):
    conf.config(group='api', enable_instance_password=False)
    body = api.action(server, {'rebuild': {'imageRef': image_id}}).json()
    assert 'adminPass' not in body['server']
    api.wait_for(server, 'ACTIVE')
    created = api.boot('no-password', image=image_id)
    assert 'adminPass' not in created
    api.delete('/servers/%s' % created['id'])


def test_rebuild_of_stopped_server_stays_stopped(api, server, image_id):
    api.action(server, {'os-stop': None})
    api.wait_for(server, 'SHUTOFF')
    assert api.action(server, {'rebuild': {
        'imageRef': image_id}}).status_code == 202
    shown = api.wait_for(server, 'SHUTOFF')
    assert shown['OS-EXT-STS:power_state'] == 4


@pytest.mark.parametrize('version,args,message', [
    ('2.100', {'imageRef': '00000000-0000-4000-8000-000000000000'},
     'Cannot find image for rebuild'),
    ('2.100', {'trusted_image_certificates': ['cert']},
     'Image certificate validation is not supported by nova-core: '
     'trusted_image_certificates can only be null.'),
    ('2.100', {'key_name': 'no-such-key'}, 'Invalid key_name provided.'),
    ('2.53', {'key_name': None}, None),
    ('2.56', {'user_data': 'aGVsbG8='}, None),
    ('2.62', {'trusted_image_certificates': None}, None),
    ('2.89', {'hostname': 'x'}, None),
    ('2.18', {'description': 'x'}, None),
    ('2.57', {'personality': []}, None),
    ('2.100', {'preserve_ephemeral': 'maybe'}, None),
])
def test_rebuild_bad_requests(api, server, image_id, version, args,
                              message):
    body = {'rebuild': dict({'imageRef': image_id}, **args)}
    response = api.as_user(version=version).action(server, body)
    assert response.status_code == 400, response.text
    if message is not None:
        assert fault(response)[2] == message
    assert api.server(server)['OS-EXT-STS:task_state'] is None


def test_rebuild_accepts_null_certificates_and_unsets_key(api, server,
                                                          image_id):
    response = api.action(server, {'rebuild': {
        'imageRef': image_id, 'trusted_image_certificates': None,
        'key_name': None}})
    assert response.status_code == 202, response.text
    assert api.wait_for(server, 'ACTIVE')['key_name'] is None


def test_rebuild_sets_key_name(api, server, image_id):
    # Before 2.92 the API generates the key.
    created = api.as_user(version='2.91').post('/os-keypairs', json={
        'keypair': {
            'name': 'rebuild-key-%s' % server[:8]}})
    if created.status_code == 404:
        pytest.skip('os-keypairs not served yet')
    assert created.status_code in (200, 201), created.text
    name = created.json()['keypair']['name']
    try:
        assert api.action(server, {'rebuild': {
            'imageRef': image_id, 'key_name': name}}).status_code == 202
        assert api.wait_for(server, 'ACTIVE')['key_name'] == name
    finally:
        api.delete('/os-keypairs/%s' % name)


def test_rebuild_from_wrong_state_is_409(api, server, image_id):
    api.action(server, {'pause': None})
    api.wait_for(server, 'PAUSED')
    conflict(api.action(server, {'rebuild': {'imageRef': image_id}}),
              'rebuild', server, 'vm_state', 'paused')


def test_rebuild_from_error_and_failed_rebuild(api, image_id, conf):
    conf.config(group='fake', fail_operations=['spawn', 'rebuild'])
    server = boot(api, image_id, name='will-fail')
    api.put('/servers/%s' % server, json={'server': {'name': 'fail-rb'}})
    # A failed rebuild leaves ERROR; an ERROR server may be rebuilt.
    for _ in range(2):
        assert api.action(server, {'rebuild': {
            'imageRef': image_id}}).status_code == 202
        shown = api.wait_for(server, 'ERROR')
        assert 'fake driver told to fail rebuild' in \
            shown['fault']['message']
        assert wait_events(server, 'rebuild', 1) == [
            ('compute_rebuild_instance', 'Error')]
    api.put('/servers/%s' % server, json={'server': {'name': 'fixed'}})
    assert api.action(server, {'rebuild': {
        'imageRef': image_id}}).status_code == 202
    assert api.wait_for(server, 'ACTIVE')['OS-EXT-STS:vm_state'] == 'active'
    api.delete('/servers/%s' % server)


def test_rebuilt_guest_is_plugged_into_its_networks_again(api, image_id,
                                                          other_image,
                                                          cloud):
    """The guest the rebuild boots has the server's interfaces (found by
    the real-QEMU tests: the instance the API casts carried none, so a
    rebuilt libvirt guest lost its NICs and DHCP hosts)."""
    (compute,) = [s.manager for s in cloud.services
                  if s.manager.__class__.__name__ == 'ComputeManager']
    server = api.boot('rebuild-net', image=image_id, networks='auto')['id']
    api.wait_for(server, 'ACTIVE')
    (vif,) = api.server(server)['addresses']['private']

    def macs():
        return [n['mac'] for n in compute.driver.guest(server)['interfaces']]
    assert macs() == [vif['OS-EXT-IPS-MAC:mac_addr']]
    response = api.action(server, {'rebuild': {'imageRef': other_image}})
    assert response.status_code == 202, response.text
    api.wait_for(server, 'ACTIVE')
    assert wait_events(server, 'rebuild', 1) == [
        ('compute_rebuild_instance', 'Success')]
    assert macs() == [vif['OS-EXT-IPS-MAC:mac_addr']]
    api.delete('/servers/%s' % server)
    api.wait_gone(server)
