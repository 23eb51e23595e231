"""rescue and unrescue: states, the rescue image, Nova's answers."""
import pytest

from tests.functional.moves.helpers import conflict, wait_events


def _guest(cloud, server_id):
    return cloud.services[1].manager.driver.guest(server_id)


def test_rescue_and_unrescue(api, cloud, server, image_id):
    response = api.action(server, {'rescue': {'adminPass': 'p4ss'}})
    assert response.status_code == 200, response.text
    assert response.json() == {'adminPass': 'p4ss'}
    rescued = api.wait_for(server, 'RESCUE')
    assert rescued['OS-EXT-STS:vm_state'] == 'rescued'
    # No rescue_image_ref: the server's own image.
    assert _guest(cloud, server)['rescue']['image'] == image_id
    assert wait_events(server, 'rescue', 1) == [
        ('compute_rescue_instance', 'Success')]
    # What a rescued server refuses, as Nova's.
    for body, action in (({'reboot': {'type': 'HARD'}}, 'reboot'),
                         ({'rescue': None}, 'rescue'),
                         ({'shelve': None}, 'shelve'),
                         ({'rebuild': {'imageRef': image_id}}, 'rebuild')):
        conflict(api.action(server, body), action, server, 'vm_state',
                 'rescued')
    assert api.action(server, {'unrescue': None}).status_code == 202
    api.wait_for(server, 'ACTIVE')
    assert 'rescue' not in _guest(cloud, server)
    assert wait_events(server, 'unrescue', 1) == [
        ('compute_unrescue_instance', 'Success')]


def test_rescue_generates_a_password_and_takes_an_image(api, server,
                                                        image_id):
    response = api.action(server, {'rescue': {'rescue_image_ref': image_id}})
    assert response.status_code == 200, response.text
    assert len(response.json()['adminPass']) >= 8
    api.wait_for(server, 'RESCUE')


def test_rescue_with_unknown_image_400(api, server):
    response = api.action(server, {'rescue': {
        'rescue_image_ref': '9b1f0a8e-8b44-4c3c-9c43-7e4d0c3f0f2a'}})
    assert response.status_code == 400, response.text
    assert 'could not be found' in response.json()['badRequest']['message']
    assert api.server(server)['status'] == 'ACTIVE'


def test_unrescue_active_409(api, server):
    conflict(api.action(server, {'unrescue': None}), 'unrescue', server,
             'vm_state', 'active')


def test_rescue_paused_409(api, server):
    assert api.action(server, {'pause': None}).status_code == 202
    api.wait_for(server, 'PAUSED')
    conflict(api.action(server, {'rescue': None}), 'rescue', server,
             'vm_state', 'paused')


@pytest.mark.parametrize('body', [
    {'rescue': {'rescue_image_ref': 'not-a-uuid'}},
    {'rescue': {'adminPass': 1}},
    {'rescue': {'other': 1}},
    {'rescue': 'x'},
    {'unrescue': {'x': 1}},
])
def test_bad_bodies_400(api, server, body):
    assert api.action(server, body).status_code == 400
    assert api.server(server)['status'] == 'ACTIVE'


def test_locked_server_refuses_rescue(api, admin, server):
    assert admin.action(server, {'lock': None}).status_code == 202
    assert api.action(server, {'rescue': None}).status_code == 409
    assert admin.action(server, {'rescue': None}).status_code == 200
    admin.wait_for(server, 'RESCUE')
    assert admin.action(server, {'unlock': None}).status_code == 202
