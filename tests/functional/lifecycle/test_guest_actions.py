"""changePassword and trigger_crash_dump, as Nova's."""
import pytest

from tests.fixtures.client import fault
from tests.functional.moves.helpers import conflict, wait_events


def _guest(cloud, server_id):
    return cloud.services[1].manager.driver.guest(server_id)


def test_change_password_sets_it_in_the_guest(api, cloud, server):
    response = api.action(server, {'changePassword': {'adminPass': 's3cr3t'}})
    assert response.status_code == 202, response.text
    assert _guest(cloud, server)['admin_password'] == 's3cr3t'
    assert api.server(server)['OS-EXT-STS:task_state'] is None
    assert wait_events(server, 'changePassword', 1) == [
        ('compute_set_admin_password', 'Success')]


def test_change_password_of_stopped_server_409(api, server):
    assert api.action(server, {'os-stop': None}).status_code == 202
    api.wait_for(server, 'SHUTOFF')
    conflict(api.action(server, {'changePassword': {'adminPass': 'x'}}),
             'changePassword', server, 'vm_state', 'stopped')


@pytest.mark.parametrize('body', [
    {'changePassword': {}}, {'changePassword': {'adminPass': 1}},
    {'changePassword': None}, {'changePassword': {'adminPass': 'x',
                                                  'y': 1}},
])
def test_change_password_bad_bodies_400(api, server, body):
    assert api.action(server, body).status_code == 400


def test_trigger_crash_dump(api, cloud, server):
    response = api.action(server, {'trigger_crash_dump': None})
    assert response.status_code == 202, response.text
    assert wait_events(server, 'trigger_crash_dump', 1) == [
        ('compute_trigger_crash_dump', 'Success')]
    assert _guest(cloud, server)['crash_dumps'] == 1


def test_trigger_crash_dump_needs_2_17(api, server):
    response = api.as_user(version='2.16').action(
        server, {'trigger_crash_dump': None})
    assert response.status_code == 400
    assert fault(response)[2] == 'There is no such action: ' \
        'trigger_crash_dump'


def test_trigger_crash_dump_of_stopped_server_409(api, server):
    assert api.action(server, {'os-stop': None}).status_code == 202
    api.wait_for(server, 'SHUTOFF')
    conflict(api.action(server, {'trigger_crash_dump': None}),
             'trigger_crash_dump', server, 'vm_state', 'stopped')


def test_trigger_crash_dump_of_paused_server_409_not_ready(api, server):
    assert api.action(server, {'pause': None}).status_code == 202
    api.wait_for(server, 'PAUSED')
    response = api.action(server, {'trigger_crash_dump': None})
    assert response.status_code == 409
    assert fault(response)[2] == 'Instance %s is not ready' % server


@pytest.mark.parametrize('value', [{}, 'x', 1])
def test_trigger_crash_dump_bad_bodies_400(api, server, value):
    assert api.action(server, {'trigger_crash_dump': value}
                      ).status_code == 400


def test_change_password_the_guest_refuses_409(api, server, conf):
    conf.config(fail_operations=['set_admin_password'],
                fail_instance_names='^life$', group='fake')
    response = api.action(server, {'changePassword': {'adminPass': 'x'}})
    assert response.status_code == 409, response.text
    assert fault(response)[2] == ('Failed to set admin password on %s '
                                  'because error setting admin password'
                                  % server)
    assert api.server(server)['OS-EXT-STS:task_state'] is None
    assert wait_events(server, 'changePassword', 1) == [
        ('compute_set_admin_password', 'Error')]
