"""The actions menu: the states it offers each action in are the API's.

The first tests drive the API's own action handlers (with a stand-in
ServersAPI) and compare the states they accept with the menu's table, so
a change on either side fails here.
"""
from unittest import mock

import pytest

# app first: its blueprints import the actions in the order they need.
from nova_core.api import app, servers_api  # noqa: F401
from nova_core.api.actions import (
    ACTIONS,
    base,
    evacuate,
    guest,
    live_migrate,
    rebuild,
    rescue,
    resize,
    shelve,
    snapshot,
)
from nova_core.api.blueprints import server_metadata
from nova_core.compute import task_states as ts
from nova_core.compute import vm_states as vs
from nova_core.dashboard import menu

#: Actions that go through ServersAPI.run_action with their state sets.
RUN_ACTIONS = {'os-stop': {}, 'os-start': {}, 'pause': {}, 'unpause': {},
               'suspend': {}, 'resume': {}, 'restore': {},
               'shelveOffload': {}, 'unrescue': {},
               'softReboot': {'reboot': {'type': 'SOFT'}},
               'hardReboot': {'reboot': {'type': 'HARD'}}}


def _accepted(key, body):
    api = mock.create_autospec(servers_api.ServersAPI, instance=True)
    api.compute = mock.Mock()
    action = 'reboot' if key in menu.REBOOT_TYPES else key
    ACTIONS[action].handler(mock.sentinel.ctx, api, {'uuid': 'u'},
                            body or {key: None})
    args = api.run_action.call_args.args
    return tuple(args[3]), tuple(args[4])


@pytest.mark.parametrize('key', sorted(RUN_ACTIONS))
def test_menu_states_are_the_api_states(key):
    vm_from, task_from = _accepted(key, RUN_ACTIONS[key])
    item = menu.BY_KEY[key]
    assert set(item.vm_states) == set(vm_from)
    assert set(item.task_states) == set(task_from)


def test_menu_uses_the_state_tables_of_the_other_actions():
    assert set(menu.HARD_REBOOT_TASKS) == set(base.HARD_REBOOT_TASKS)
    assert set(menu.BY_KEY['rebuild'].vm_states) == set(rebuild.VM_FROM)
    assert set(menu.BY_KEY['resize'].vm_states) == set(resize.VM_FROM)
    assert set(menu.BY_KEY['createImage'].vm_states) == set(
        snapshot.VM_FROM)
    assert set(menu.METADATA_FROM) == set(server_metadata._CHANGEABLE)
    assert set(menu.BY_KEY['createBackup'].vm_states) == set(
        snapshot.VM_FROM)
    assert set(menu.SHELVE_FROM) == set(shelve.SHELVE_FROM)
    assert set(menu.BY_KEY['unshelve'].vm_states) == set(
        shelve.UNSHELVE_FROM)
    assert set(menu.RESCUE_FROM) == set(rescue.VM_FROM)
    assert set(menu.CRASH_DUMP_FROM) == set(guest.CRASH_DUMP_FROM)
    assert set(menu.LIVE_MIGRATE_FROM) == set(live_migrate.VM_FROM)
    assert set(menu.EVACUATE_FROM) == set(evacuate.VM_FROM)


def test_every_server_action_of_the_api_has_a_menu_item():
    # 'Edit security groups' sends addSecurityGroup/removeSecurityGroup.
    # The console URL actions exist only before 2.6 (remote-consoles
    # replaced them), and the dashboard speaks a newer microversion.
    keys = set(menu.BY_KEY) | {'reboot', 'os-getConsoleOutput',
                               'addSecurityGroup', 'removeSecurityGroup',
                               'os-getVNCConsole', 'os-getSerialConsole',
                               'os-getSPICEConsole'}
    assert 'securityGroups' in menu.BY_KEY
    assert set(ACTIONS) <= keys


def _server(vm_state=vs.ACTIVE, task_state=None, locked=False, host=True):
    return {'OS-EXT-STS:vm_state': vm_state,
            'OS-EXT-STS:task_state': task_state, 'locked': locked,
            'hostId': 'abc' if host else ''}


MEMBER = ('member', 'reader')


def _keys(server, roles=MEMBER, is_admin=False):
    return [i.key for i in menu.menu(server, roles, is_admin)]


def test_active_offers_stop_not_start():
    keys = _keys(_server())
    assert 'os-stop' in keys and 'os-start' not in keys
    assert {'pause', 'suspend', 'softReboot', 'hardReboot', 'resize',
            'rebuild', 'createImage', 'delete', 'lock'} <= set(keys)
    assert 'os-resetState' not in keys and 'unlock' not in keys


def test_stopped_offers_start_not_stop():
    keys = _keys(_server(vs.STOPPED))
    assert 'os-start' in keys and 'os-stop' not in keys
    assert 'softReboot' not in keys and 'pause' not in keys


def test_resized_offers_confirm_and_revert():
    keys = _keys(_server(vs.RESIZED))
    assert {'confirmResize', 'revertResize'} <= set(keys)
    assert 'resize' not in keys


def test_a_task_in_progress_leaves_only_what_may_interrupt_it():
    keys = _keys(_server(task_state=ts.POWERING_OFF))
    assert 'os-stop' not in keys and 'hardReboot' not in keys
    assert 'hardReboot' in _keys(_server(task_state=ts.REBOOTING))
    assert _keys(_server(task_state=ts.DELETING)) == []


def test_locked_server_offers_members_only_unlock_and_reading():
    keys = _keys(_server(locked=True))
    assert set(keys) == {'console', 'unlock'}
    admin_keys = _keys(_server(locked=True), ('admin',), True)
    assert 'os-stop' in admin_keys and 'lock' not in admin_keys


def test_never_placed_server_offers_only_what_needs_no_host():
    keys = _keys(_server(vs.ERROR, host=False))
    assert 'hardReboot' not in keys and 'os-stop' not in keys
    assert 'delete' in keys


def test_admin_actions_for_admins_only():
    assert 'os-resetState' in _keys(_server(), ('admin',), True)
    assert 'os-resetState' not in _keys(_server())


def test_readers_get_no_actions():
    assert _keys(_server(), ('reader',)) == []


def test_soft_deleted_offers_restore_and_force_delete():
    assert set(_keys(_server(vs.SOFT_DELETED))) >= {'restore',
                                                    'forceDelete'}
    assert 'delete' not in _keys(_server(vs.SOFT_DELETED))


@pytest.mark.parametrize('key,body', [
    ('softReboot', {'reboot': {'type': 'SOFT'}}),
    ('hardReboot', {'reboot': {'type': 'HARD'}}),
    ('os-stop', {'os-stop': None}),
    ('os-resetState', {'os-resetState': {'state': 'error'}}),
    ('os-migrateLive', {'os-migrateLive': {'host': None,
                                           'block_migration': 'auto'}}),
    ('evacuate', {'evacuate': {}})])
def test_api_body(key, body):
    assert menu.api_body(key) == body
