"""``os-instance-actions``: the history of a server, with its events."""
import pytest

from tests.fixtures.client import Client, fault


@pytest.fixture
def acted(api, image_id):
    server_id = api.boot('history', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    api.action(server_id, {'os-stop': None})
    api.wait_for(server_id, 'SHUTOFF')
    return server_id


def test_list_and_show_with_events(api, acted):
    actions = api.get('/servers/%s/os-instance-actions' % acted).json()[
        'instanceActions']
    assert [a['action'] for a in actions] == ['stop', 'create']
    assert set(actions[0]) == {'action', 'instance_uuid', 'message',
                               'project_id', 'request_id', 'start_time',
                               'user_id', 'updated_at'}
    create = api.get('/servers/%s/os-instance-actions/%s' % (
        acted, actions[1]['request_id'])).json()['instanceAction']
    events = create['events']
    assert [(e['event'], e['result']) for e in events] == [
        ('conductor_schedule_and_build_instances', 'Success'),
        ('compute_build_and_run_instance', 'Success')]
    assert 'traceback' not in events[0] and 'host' not in events[0]
    assert events[0]['hostId']
    api.delete('/servers/%s' % acted)


def test_events_by_microversion_and_role(endpoint, admin, acted):
    member_old = Client(endpoint, version='2.50')
    request_id = member_old.get('/servers/%s/os-instance-actions' % acted
                                ).json()['instanceActions'][0]['request_id']
    path = '/servers/%s/os-instance-actions/%s' % (acted, request_id)
    assert 'events' not in member_old.get(path).json()['instanceAction']
    admin_view = admin.get(path).json()['instanceAction']
    assert {'traceback', 'host', 'hostId', 'details'} <= set(
        admin_view['events'][0])
    Client(endpoint).delete('/servers/%s' % acted)


def test_paging_and_bad_input(api, acted):
    page = api.get('/servers/%s/os-instance-actions' % acted,
                   params={'limit': 1}).json()
    assert len(page['instanceActions']) == 1 and 'links' in page
    rest = api.get(page['links'][0]['href']).json()['instanceActions']
    assert [a['action'] for a in rest] == ['create']
    for params in ({'limit': 'x'}, {'marker': 'req-nope'},
                   {'changes-since': 'soon'}):
        response = api.get('/servers/%s/os-instance-actions' % acted,
                           params=params)
        assert response.status_code == 400, params
        assert fault(response)[0] == 'badRequest'
    missing = api.get('/servers/%s/os-instance-actions/req-nope' % acted)
    assert missing.status_code == 404
    other = api.as_user('eve:evil')
    assert other.get('/servers/%s/os-instance-actions' % acted
                     ).status_code == 404
    api.delete('/servers/%s' % acted)


def test_actions_of_a_deleted_server(api, image_id):
    server_id = api.boot('gone-soon', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    api.delete('/servers/%s' % server_id)
    api.wait_gone(server_id)
    actions = api.get('/servers/%s/os-instance-actions' % server_id).json()[
        'instanceActions']
    assert [a['action'] for a in actions] == ['delete', 'create']
