"""Server actions through conductor and compute to the driver."""
import pytest

from tests.fixtures.client import fault


@pytest.fixture
def server(api, image_id):
    server_id = api.boot('actor', image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    yield server_id
    api.delete('/servers/%s' % server_id)


def _events(server_id):
    from nova_core.db import actions
    return [(a['action'], [e['event'] for e in actions.get(
        server_id, a['request_id'])['events']])
        for a in reversed(actions.get_all(server_id))]


def test_stop_start_reboot_pause_suspend(api, server):
    steps = [
        ({'os-stop': None}, 'SHUTOFF', 4),
        ({'os-start': None}, 'ACTIVE', 1),
        ({'reboot': {'type': 'SOFT'}}, 'ACTIVE', 1),
        ({'reboot': {'type': 'HARD'}}, 'ACTIVE', 1),
        ({'pause': None}, 'PAUSED', 3),
        ({'unpause': None}, 'ACTIVE', 1),
        ({'suspend': None}, 'SUSPENDED', 7),
        ({'resume': None}, 'ACTIVE', 1),
    ]
    for body, status, power in steps:
        response = api.action(server, body)
        assert response.status_code == 202, (body, response.text)
        shown = api.wait_for(server, status)
        assert shown['OS-EXT-STS:power_state'] == power, body
    assert [a for a, _ in _events(server)] == [
        'create', 'stop', 'start', 'reboot', 'reboot', 'pause', 'unpause',
        'suspend', 'resume']
    assert _events(server)[1] == ('stop', ['compute_stop_instance'])


@pytest.mark.parametrize('body,action', [
    ({'os-start': None}, 'start'), ({'unpause': None}, 'unpause'),
    ({'resume': None}, 'resume')])
def test_actions_from_wrong_vm_state_are_409(api, server, body, action):
    response = api.action(server, body)
    assert response.status_code == 409
    key, _, message = fault(response)
    assert key == 'conflictingRequest'
    assert message == ("Cannot '%s' instance %s while it is in vm_state "
                       "active" % (action, server))


def test_soft_reboot_of_stopped_server_is_409(api, server):
    api.action(server, {'os-stop': None})
    api.wait_for(server, 'SHUTOFF')
    response = api.action(server, {'reboot': {'type': 'SOFT'}})
    assert response.status_code == 409
    hard = api.action(server, {'reboot': {'type': 'HARD'}})
    assert hard.status_code == 202
    assert api.wait_for(server, 'ACTIVE')['OS-EXT-STS:power_state'] == 1


def test_conflicting_requests_one_wins(api, endpoint, server, cloud):
    """Stop and pause at once: the task_state is taken by exactly one."""
    from nova_core.conf import CONF
    from tests.fixtures.conf import ConfFixture
    conf = ConfFixture()
    conf.config(group='fake', power_delay=0.3)
    try:
        first = api.action(server, {'os-stop': None})
        second = api.action(server, {'pause': None})
    finally:
        conf.cleanup()
    assert CONF.fake.power_delay == 0.0
    assert (first.status_code, second.status_code) == (202, 409)
    assert 'task_state powering-off' in fault(second)[2]
    api.wait_for(server, 'SHUTOFF')


def test_console_output_with_length(api, server):
    api.action(server, {'reboot': {'type': 'SOFT'}})
    api.wait_for(server, 'ACTIVE')
    full = api.action(server, {'os-getConsoleOutput': {}})
    assert full.status_code == 200
    lines = full.json()['output'].splitlines()
    # a boot log of several lines (Tempest asks for 3 and wants 3), then
    # the reboot
    assert 'booted from image' in lines[0] and len(lines) > 3
    assert 'reboot' in lines[-1]
    for length in (1, 3):
        tail = api.action(server, {'os-getConsoleOutput': {'length': length}})
        assert tail.json()['output'].splitlines() == lines[-length:]


def test_failed_reboot_records_fault_and_settles(api, image_id):
    server_id = api.boot('fail-reboot', image=image_id)['id']
    # fail-* servers fail to spawn; use a server whose name changes after.
    api.wait_for(server_id, 'ERROR')
    api.delete('/servers/%s' % server_id)
    ok_id = api.boot('will-fail-reboot', image=image_id)['id']
    api.wait_for(ok_id, 'ACTIVE')
    api.put('/servers/%s' % ok_id, json={'server': {'name': 'fail-now'}})
    response = api.action(ok_id, {'reboot': {'type': 'HARD'}})
    assert response.status_code == 202
    shown = api.wait_for(ok_id, 'ACTIVE')
    from nova_core.db import actions
    (create, reboot) = reversed(actions.get_all(ok_id))
    events = actions.get(ok_id, reboot['request_id'])['events']
    assert [(e['event'], e['result']) for e in events] == [
        ('compute_reboot_instance', 'Error')]
    assert shown['OS-EXT-STS:task_state'] is None
    api.delete('/servers/%s' % ok_id)


def test_delete_during_build_leaves_nothing(api, image_id):
    from tests.fixtures.conf import ConfFixture
    conf = ConfFixture()
    conf.config(group='fake', spawn_delay=0.3)
    try:
        server_id = api.boot('short', image=image_id)['id']
        assert api.delete('/servers/%s' % server_id).status_code == 204
        api.wait_gone(server_id)
    finally:
        conf.cleanup()
    from tests.functional.test_servers import assert_claims_match_instances
    assert_claims_match_instances()


def test_console_output_in_any_state_once_placed(api, image_id):
    """As Nova's: refused (409) only before the server has a host and
    while it is being deleted, whatever its vm_state."""
    from nova_core.compute import task_states
    from nova_core.db import instances as db_instances
    failed = api.boot('fail-console', image=image_id)['id']
    api.wait_for(failed, 'ERROR')
    response = api.action(failed, {'os-getConsoleOutput': {}})
    assert response.status_code == 409
    assert fault(response)[2] == 'Instance %s is not ready' % failed
    api.delete('/servers/%s' % failed)
    server = api.boot('console-states', image=image_id)['id']
    api.wait_for(server, 'ACTIVE')
    assert api.action(server, {'os-stop': None}).status_code == 202
    api.wait_for(server, 'SHUTOFF')
    assert api.action(server, {'os-getConsoleOutput': {}}).status_code == 200
    db_instances.update(server, {'task_state': task_states.DELETING})
    response = api.action(server, {'os-getConsoleOutput': {}})
    assert response.status_code == 409
    assert fault(response)[2] == ("Cannot 'get_console_output' instance %s "
                                  "while it is in task_state deleting"
                                  % server)
    db_instances.update(server, {'task_state': None})
    api.delete('/servers/%s' % server)


def test_add_and_remove_the_default_security_group(api, image_id):
    """Without a networking service 'default' is the only group: removing
    it leaves the server with no ``security_groups`` key (Tempest's
    test_remove_server_all_security_groups), errors as Nova's."""
    server_id = api.boot('groups', image=image_id)['id']
    try:
        api.wait_for(server_id, 'ACTIVE')
        assert api.server(server_id)['security_groups'] == [
            {'name': 'default'}]
        cases = [('addSecurityGroup', 'default', 400),
                 ('addSecurityGroup', 'web', 404),
                 ('removeSecurityGroup', 'default', 202),
                 ('removeSecurityGroup', 'default', 400),
                 ('removeSecurityGroup', 'web', 404)]
        for action, name, status in cases:
            response = api.action(server_id, {action: {'name': name}})
            assert response.status_code == status, (action, name,
                                                    response.text)
        assert 'security_groups' not in api.server(server_id)
        assert api.action(server_id, {'addSecurityGroup': {
            'name': 'default'}}).status_code == 202
        assert api.server(server_id)['security_groups'] == [
            {'name': 'default'}]
        assert api.action(server_id, {'addSecurityGroup': {}}
                          ).status_code == 400
    finally:
        api.delete('/servers/%s' % server_id)
