"""createImage: a snapshot registered in the image registry and uploaded
by compute."""
import time

from tests.functional.moves.helpers import (
    boot,
    conflict,
    glance,
    wait_events,
)


def _image(api, image_id):
    response = api.get('%s/%s' % (glance(api), image_id))
    return response.status_code, response.json() if response.ok else None


def _wait_image(api, image_id, status='active', timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        code, image = _image(api, image_id)
        if code == 200 and image['status'] == status:
            return image
        assert time.monotonic() < deadline, (code, image)
        time.sleep(0.02)


def test_create_image_and_boot_from_it(api, server, image_id):
    response = api.action(server, {'createImage': {
        'name': 'snap', 'metadata': {'purpose': 'test'}}})
    assert response.status_code == 202, response.text
    snapshot_id = response.json()['image_id']
    assert 'Location' not in response.headers
    image = _wait_image(api, snapshot_id)
    assert (image['image_type'], image['instance_uuid'],
            image['base_image_ref'], image['user_id'], image['purpose'],
            image['disk_format'], image['visibility']) == (
        'snapshot', server, image_id, 'demo', 'test', 'raw', 'private')
    assert image['size'] > 0
    assert api.wait_for(server, 'ACTIVE')
    assert wait_events(server, 'createImage', 1) == [
        ('compute_snapshot_instance', 'Success')]
    booted = boot(api, snapshot_id, name='from-snapshot')
    assert api.server(booted)['image']['id'] == snapshot_id
    api.delete('/servers/%s' % booted)


def test_create_image_before_2_45_has_location(api, server):
    old = api.as_user(version='2.44')
    response = old.action(server, {'createImage': {'name': 'old-snap'}})
    assert response.status_code == 202
    assert response.text == ''
    location = response.headers['Location']
    snapshot_id = location.rsplit('/', 1)[1]
    assert location.endswith('/image/v2/images/' + snapshot_id)
    _wait_image(api, snapshot_id)
    api.wait_for(server, 'ACTIVE')


def test_create_image_of_paused_server(api, server):
    api.action(server, {'pause': None})
    api.wait_for(server, 'PAUSED')
    response = api.action(server, {'createImage': {'name': 'paused'}})
    assert response.status_code == 202
    _wait_image(api, response.json()['image_id'])
    assert api.wait_for(server, 'PAUSED')['OS-EXT-STS:power_state'] == 3


def test_create_image_from_error_is_409(api, image_id):
    server = boot(api, image_id, name='fail-snapshot', status='ERROR')
    conflict(api.action(server, {'createImage': {'name': 'x'}}),
              'snapshot', server, 'vm_state', 'error')
    api.delete('/servers/%s' % server)


def test_failed_snapshot_deletes_image(api, server, conf):
    conf.config(group='fake', fail_operations=['spawn', 'snapshot'])
    api.put('/servers/%s' % server, json={'server': {'name': 'fail-snap'}})
    response = api.action(server, {'createImage': {'name': 'doomed'}})
    assert response.status_code == 202
    snapshot_id = response.json()['image_id']
    assert wait_events(server, 'createImage', 1) == [
        ('compute_snapshot_instance', 'Error')]
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['OS-EXT-STS:vm_state'] == 'active'
    deadline = time.monotonic() + 10
    while _image(api, snapshot_id)[0] != 404:
        assert time.monotonic() < deadline
        time.sleep(0.02)
