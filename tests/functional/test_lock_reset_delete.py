"""lock/unlock, os-resetState, soft delete with restore and forceDelete."""
import time
import uuid

import pytest

from nova_core.compute import task_states
from nova_core.db import instances as db_instances
from tests.fixtures.client import fault
from tests.fixtures.conf import ConfFixture


@pytest.fixture
def server(api, admin, image_id):
    server_id = api.boot('lockable-%s' % uuid.uuid4().hex[:8],
                         image=image_id)['id']
    api.wait_for(server_id, 'ACTIVE')
    yield server_id
    admin.delete('/servers/%s' % server_id)  # locked or not


@pytest.fixture
def reclaim():
    """Soft delete on, with a long interval unless a test shortens it."""
    conf = ConfFixture()
    conf.config(reclaim_instance_interval=3600)
    yield conf
    conf.cleanup()


def _actions(server_id):
    from nova_core.db import actions
    return [(a['action'], [e['event'] for e in actions.get(
        server_id, a['request_id'])['events']])
        for a in reversed(actions.get_all(server_id))]


def _conflict(response, message):
    assert response.status_code == 409, response.text
    assert fault(response) == ('conflictingRequest', 409, message)


# --- lock / unlock -------------------------------------------------------

@pytest.mark.parametrize('version,fields', [
    ('2.1', {}), ('2.8', {}), ('2.9', {'locked': True}),
    ('2.72', {'locked': True}),
    ('2.73', {'locked': True, 'locked_reason': None}),
])
def test_locked_fields_per_microversion(api, server, version, fields):
    assert api.action(server, {'lock': None}).status_code == 202
    shown = api.as_user(version=version).server(server)
    assert {k: shown[k] for k in ('locked', 'locked_reason')
            if k in shown} == fields
    listed = api.as_user(version=version).get(
        '/servers/detail', params={'name': shown['name']}).json()['servers']
    assert {k: listed[0][k] for k in ('locked', 'locked_reason')
            if k in listed[0]} == fields


def test_lock_with_reason_and_unlock(api, server):
    response = api.action(server, {'lock': {'locked_reason': 'maintenance'}})
    assert response.status_code == 202 and response.text == ''
    shown = api.server(server)
    assert (shown['locked'], shown['locked_reason']) == (True, 'maintenance')
    assert db_instances.get(server)['locked_by'] == 'owner'
    assert api.action(server, {'unlock': None}).status_code == 202
    shown = api.server(server)
    assert (shown['locked'], shown['locked_reason']) == (False, None)
    assert db_instances.get(server)['locked_by'] is None
    assert _actions(server)[1:] == [('lock', ['api_lock']),
                                    ('unlock', ['api_unlock'])]


def test_owner_locking_again_records_nothing(api, server):
    api.action(server, {'lock': {'locked_reason': 'first'}})
    assert api.action(server, {'lock': {'locked_reason': 'second'}}
                      ).status_code == 202
    assert api.server(server)['locked_reason'] == 'first'
    assert [a for a, _ in _actions(server)] == ['create', 'lock']


@pytest.mark.parametrize('version,body', [
    ('2.73', {'lock': {'locked_reason': ''}}),
    ('2.73', {'lock': {'locked_reason': 'x' * 256}}),
    ('2.73', {'lock': {'reason': 'x'}}),
    ('2.73', {'lock': 'yes'}),
    ('2.73', {'lock': None, 'unlock': None}),
    ('2.73', {'lock': {'locked_reason': 5}}),
])
def test_bad_lock_bodies_are_400_and_change_nothing(api, server, version,
                                                    body):
    response = api.as_user(version=version).action(server, body)
    assert response.status_code == 400, response.text
    assert fault(response)[0] == 'badRequest'
    assert api.server(server)['locked'] is False


def test_reason_before_2_73_is_ignored(api, server):
    """Nova reads no reason before 2.73: the server is locked without one."""
    old = api.as_user(version='2.72')
    assert old.action(server, {'lock': {'locked_reason': 'r'}}
                      ).status_code == 202
    shown = api.server(server)
    assert (shown['locked'], shown['locked_reason']) == (True, None)


def test_reason_of_255_characters_is_taken(api, server):
    api.action(server, {'lock': {'locked_reason': 'r' * 255}})
    assert api.server(server)['locked_reason'] == 'r' * 255


@pytest.mark.parametrize('body', [
    {'reboot': {'type': 'SOFT'}}, {'os-stop': None}, {'pause': None},
    {'forceDelete': None}])
def test_locked_server_refuses_members_not_admins(api, admin, server, body):
    api.action(server, {'lock': None})
    _conflict(api.action(server, body), 'Instance %s is locked' % server)
    assert api.server(server)['OS-EXT-STS:task_state'] is None
    response = admin.action(server, body)
    assert response.status_code == 202, response.text


def test_locked_server_refuses_member_delete(api, admin, server):
    api.action(server, {'lock': None})
    _conflict(api.delete('/servers/%s' % server),
              'Instance %s is locked' % server)
    assert api.server(server)['status'] == 'ACTIVE'
    # Renaming is not guarded by the lock in Nova either.
    assert api.put('/servers/%s' % server, json={
        'server': {'name': 'renamed-locked'}}).status_code == 200
    assert admin.delete('/servers/%s' % server).status_code == 204
    api.wait_gone(server)


def test_console_output_of_locked_server_is_allowed(api, server):
    api.action(server, {'lock': None})
    assert api.action(server, {'os-getConsoleOutput': {}}).status_code == 200


def test_owner_cannot_lift_admins_lock(api, admin, server):
    assert admin.action(server, {'lock': {'locked_reason': 'ops'}}
                        ).status_code == 202
    assert db_instances.get(server)['locked_by'] == 'admin'
    response = api.action(server, {'unlock': None})
    assert response.status_code == 403
    assert 'os_compute_api:os-lock-server:unlock:unlock_override' in \
        fault(response)[2]
    assert api.server(server)['locked'] is True
    assert admin.action(server, {'unlock': None}).status_code == 202
    assert api.server(server)['locked'] is False


def test_admin_may_lift_owners_lock(api, admin, server):
    api.action(server, {'lock': None})
    assert admin.action(server, {'unlock': None}).status_code == 202
    assert api.server(server)['locked'] is False


def test_other_projects_cannot_lock(api, server):
    other = api.as_user(token='eve:evil')
    assert other.action(server, {'lock': None}).status_code == 404


def test_locked_filter(api, server):
    name = api.server(server)['name']
    api.action(server, {'lock': None})
    for value, expected in (('true', [server]), ('True', [server]),
                            ('1', [server]), ('false', []), ('0', [])):
        listed = api.get('/servers', params={'locked': value, 'name': name})
        assert listed.status_code == 200
        assert [s['id'] for s in listed.json()['servers']] == expected, value
    detail = api.get('/servers/detail', params={'locked': 'true'}).json()
    assert server in [s['id'] for s in detail['servers']]
    assert all(s['locked'] for s in detail['servers'])
    response = api.get('/servers', params={'locked': 'maybe'})
    assert response.status_code == 400
    assert "Unrecognized value 'maybe'" in fault(response)[2]


def test_locked_filter_before_2_73(api, server):
    name = api.server(server)['name']
    api.action(server, {'lock': None})
    # Ignored at 2.72 (unknown parameters are tolerated before 2.75)...
    old = api.as_user(version='2.72').get(
        '/servers', params={'locked': 'false', 'name': name})
    assert [s['id'] for s in old.json()['servers']] == [server]


# --- os-resetState ---------------------------------------------------------

def test_reset_state_is_admin_only(api, admin, server):
    response = api.action(server, {'os-resetState': {'state': 'error'}})
    assert response.status_code == 403
    assert 'os_compute_api:os-admin-actions:reset_state' in fault(response)[2]
    assert api.server(server)['status'] == 'ACTIVE'


def test_reset_state_from_a_task_and_a_lock(api, admin, server):
    api.action(server, {'lock': None})
    db_instances.update(server, {'task_state': task_states.POWERING_OFF})
    response = admin.action(server, {'os-resetState': {'state': 'error'}})
    assert response.status_code == 202 and response.text == ''
    shown = api.server(server)
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == ('ERROR',
                                                                 None)
    assert admin.action(server, {'os-resetState': {'state': 'active'}}
                        ).status_code == 202
    assert api.server(server)['status'] == 'ACTIVE'
    assert [a for a, _ in _actions(server)][-2:] == ['resetState',
                                                     'resetState']


@pytest.mark.parametrize('body', [
    {'os-resetState': {'state': 'stopped'}}, {'os-resetState': {}},
    {'os-resetState': None}, {'os-resetState': {'state': 'error', 'x': 1}},
    {'os-resetState': {'state': 'ACTIVE'}}])
def test_bad_reset_state_bodies(admin, server, body):
    response = admin.action(server, body)
    assert response.status_code == 400, response.text
    assert admin.server(server)['status'] == 'ACTIVE'


# --- soft delete, restore, forceDelete --------------------------------------

def test_delete_with_interval_soft_deletes_and_restore(api, server, reclaim):
    assert api.delete('/servers/%s' % server).status_code == 204
    shown = api.wait_for(server, 'SOFT_DELETED')
    assert shown['OS-EXT-STS:vm_state'] == 'soft-delete'
    assert shown['OS-EXT-STS:power_state'] == 4
    assert db_instances.get(server)['deleted_at'] is not None
    # As Nova's: hidden from lists unless asked for by status.
    listed = api.get('/servers', params={'name': shown['name']}).json()
    assert listed['servers'] == []
    listed = api.get('/servers/detail', params={
        'name': shown['name'], 'status': 'SOFT_DELETED'}).json()
    assert [s['id'] for s in listed['servers']] == [server]
    assert api.action(server, {'restore': None}).status_code == 202
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['OS-EXT-STS:power_state'] == 1
    assert db_instances.get(server)['deleted_at'] is None
    assert _actions(server)[1:] == [
        ('delete', ['compute_soft_delete_instance']),
        ('restore', ['compute_restore_instance'])]


def test_restore_of_active_server_is_409(api, server):
    _conflict(api.action(server, {'restore': None}),
              "Cannot 'restore' instance %s while it is in vm_state active"
              % server)


def test_force_delete_of_soft_deleted_server(api, server, reclaim):
    api.delete('/servers/%s' % server)
    api.wait_for(server, 'SOFT_DELETED')
    assert api.action(server, {'forceDelete': None}).status_code == 202
    api.wait_gone(server)
    assert db_instances.get(server, read_deleted='yes')['vm_state'] == \
        'deleted'


def test_force_delete_of_active_server_deletes_it(api, server):
    """Nova's force_delete takes any vm_state (its docstring: "in any
    vm_state/task_state")."""
    assert api.action(server, {'forceDelete': None}).status_code == 202
    api.wait_gone(server)


def test_never_launched_server_is_deleted_at_once(api, image_id, reclaim):
    server_id = api.boot('fail-soft', image=image_id)['id']
    api.wait_for(server_id, 'ERROR')
    assert api.delete('/servers/%s' % server_id).status_code == 204
    api.wait_gone(server_id)


def test_locked_soft_deleted_server(api, admin, server, reclaim):
    api.delete('/servers/%s' % server)
    api.wait_for(server, 'SOFT_DELETED')
    api.action(server, {'lock': None})
    message = 'Instance %s is locked' % server
    _conflict(api.action(server, {'restore': None}), message)
    _conflict(api.action(server, {'forceDelete': None}), message)
    assert admin.action(server, {'restore': None}).status_code == 202
    api.wait_for(server, 'ACTIVE')


@pytest.mark.parametrize('body', [
    {'restore': None, 'forceDelete': None}, {'restore': None, 'x': 1}])
def test_bad_deferred_delete_bodies(api, server, body):
    response = api.action(server, body)
    assert response.status_code == 400
    assert api.server(server)['status'] == 'ACTIVE'


def test_other_projects_cannot_force_delete(api, server):
    other = api.as_user(token='eve:evil')
    assert other.action(server, {'forceDelete': None}).status_code == 404
    assert api.server(server)['status'] == 'ACTIVE'


def test_reclaim_deletes_old_soft_deleted_servers(api, server, image_id,
                                                  cloud, reclaim):
    from nova_core import context
    from nova_core.compute import reclaim as compute_reclaim
    manager = cloud.services[1].manager
    keep = api.boot('keep-soft', image=image_id)['id']
    api.wait_for(keep, 'ACTIVE')
    api.delete('/servers/%s' % server)
    api.wait_for(server, 'SOFT_DELETED')
    # 2 s, not 1: MariaDB keeps deleted_at to the second, which can make
    # a row look up to a second older than it is.
    reclaim.config(reclaim_instance_interval=2)
    time.sleep(2.2)
    api.delete('/servers/%s' % keep)
    api.wait_for(keep, 'SOFT_DELETED')
    ctxt = context.get_admin_context()
    assert compute_reclaim.reclaim_queued_deletes(manager, ctxt) == 1
    api.wait_gone(server)
    assert api.server(keep)['status'] == 'SOFT_DELETED'
    assert manager.driver.list_instances().count(keep) == 1
    assert server not in manager.driver.list_instances()
    reclaim.config(reclaim_instance_interval=0)
    assert compute_reclaim.reclaim_queued_deletes(manager, ctxt) == 0
    api.action(keep, {'forceDelete': None})
    api.wait_gone(keep)
