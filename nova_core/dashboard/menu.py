"""Which actions a server's menu offers: the states each action of the
API accepts (``nova_core/api/actions/``), its policy persona and whether
a lock stops it, so the menu never offers what would get a 409 or 403.

The state sets are the API's own: the tuples the action modules pass to
``run_action``/``check_state``. ``tests/unit/dashboard/test_menu.py``
drives every action handler of the API and checks that it accepts
exactly the states written here.
"""
import collections

from nova_core.compute import task_states as ts
from nova_core.compute import vm_states as vs

#: ``key``: the menu item (and the dashboard's action URL);
#: ``vm_states``/``task_states``: where the API accepts it (None: any);
#: ``persona``: 'member' (project member or admin), 'reader', 'admin';
#: ``checks_lock``: a locked server refuses it to non-admins;
#: ``confirm``: a destructive action, asked again before it is sent;
#: ``form``: it needs input (a page of its own) rather than a click.
Item = collections.namedtuple(
    'Item', 'key label vm_states task_states persona checks_lock confirm '
            'form needs_host')

#: The task_states a hard reboot may interrupt (the API's
#: ``HARD_REBOOT_TASKS``).
HARD_REBOOT_TASKS = (None, ts.REBOOTING, ts.REBOOT_PENDING,
                     ts.REBOOT_STARTED, ts.REBOOTING_HARD,
                     ts.REBOOT_PENDING_HARD, ts.REBOOT_STARTED_HARD,
                     ts.RESUMING, ts.UNPAUSING, ts.SUSPENDING, ts.PAUSING)
SNAPSHOT_FROM = (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED)
METADATA_FROM = (vs.ACTIVE, vs.PAUSED, vs.SUSPENDED, vs.STOPPED)
RESIZE_FROM = (vs.ACTIVE, vs.STOPPED)
REBUILD_FROM = (vs.ACTIVE, vs.STOPPED, vs.ERROR)
IDLE = (None,)
SHELVE_FROM = (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED)
RESCUE_FROM = (vs.ACTIVE, vs.STOPPED, vs.ERROR)
CRASH_DUMP_FROM = (vs.ACTIVE, vs.PAUSED, vs.RESCUED, vs.RESIZED, vs.ERROR)
LIVE_MIGRATE_FROM = (vs.ACTIVE, vs.PAUSED)
EVACUATE_FROM = (vs.ACTIVE, vs.STOPPED, vs.ERROR)


def _item(key, label, vm_states, task_states=IDLE, persona='member',
          checks_lock=True, confirm=False, form=False, needs_host=True):
    return Item(key, label, vm_states, task_states, persona, checks_lock,
                confirm, form, needs_host)


ITEMS = (
    _item('createImage', 'Create snapshot', SNAPSHOT_FROM, form=True),
    _item('edit', 'Edit instance', None, None, form=True,
          needs_host=False),
    _item('metadata', 'Update metadata', METADATA_FROM, form=True,
          needs_host=False),
    _item('securityGroups', 'Edit security groups', None, None, form=True,
          needs_host=False),
    _item('console', 'View console log', None, None, persona='member',
          checks_lock=False, form=True),
    _item('confirmResize', 'Confirm resize/migrate', (vs.RESIZED,)),
    _item('revertResize', 'Revert resize/migrate', (vs.RESIZED,),
          confirm=True),
    _item('pause', 'Pause instance', (vs.ACTIVE,)),
    _item('unpause', 'Resume instance', (vs.PAUSED,)),
    _item('suspend', 'Suspend instance', (vs.ACTIVE,)),
    _item('resume', 'Resume instance', (vs.SUSPENDED,)),
    _item('lock', 'Lock instance', None, None, checks_lock=False,
          needs_host=False),
    _item('unlock', 'Unlock instance', None, None, checks_lock=False,
          needs_host=False),
    _item('softReboot', 'Soft reboot instance', (vs.ACTIVE,),
          confirm=True),
    _item('hardReboot', 'Hard reboot instance',
          (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED, vs.ERROR),
          HARD_REBOOT_TASKS, confirm=True),
    _item('os-stop', 'Shut off instance', (vs.ACTIVE, vs.ERROR),
          confirm=True),
    _item('os-start', 'Start instance', (vs.STOPPED,)),
    _item('resize', 'Resize instance', RESIZE_FROM, form=True),
    _item('migrate', 'Migrate instance', RESIZE_FROM, persona='admin',
          confirm=True),
    _item('os-migrateLive', 'Live migrate instance', LIVE_MIGRATE_FROM,
          persona='admin', confirm=True),
    # Only once the server's host is down; the API says so otherwise.
    _item('evacuate', 'Evacuate instance', EVACUATE_FROM, persona='admin',
          checks_lock=False, confirm=True),
    _item('rebuild', 'Rebuild instance', REBUILD_FROM, form=True),
    _item('createBackup', 'Create backup', SNAPSHOT_FROM, form=True),
    _item('changePassword', 'Change password', (vs.ACTIVE,), form=True),
    _item('shelve', 'Shelve instance', SHELVE_FROM, confirm=True),
    _item('shelveOffload', 'Offload shelved instance', (vs.SHELVED,),
          persona='admin'),
    _item('unshelve', 'Unshelve instance',
          (vs.SHELVED, vs.SHELVED_OFFLOADED), needs_host=False),
    _item('rescue', 'Rescue instance', RESCUE_FROM, confirm=True),
    _item('unrescue', 'Unrescue instance', (vs.RESCUED,)),
    _item('trigger_crash_dump', 'Trigger crash dump', CRASH_DUMP_FROM,
          confirm=True),
    _item('restore', 'Restore instance', (vs.SOFT_DELETED,)),
    _item('forceDelete', 'Force delete instance', (vs.SOFT_DELETED,),
          confirm=True, needs_host=False),
    _item('os-resetState', 'Reset state to error', None, None,
          persona='admin', checks_lock=False, confirm=True,
          needs_host=False),
    _item('delete', 'Delete instance', None, None, confirm=True,
          needs_host=False),
)
BY_KEY = {item.key: item for item in ITEMS}
#: Actions offered for several selected rows at once.
BATCH = ('os-start', 'os-stop', 'softReboot', 'delete')

#: What the API's ``reboot`` body is for each reboot item.
REBOOT_TYPES = {'softReboot': 'SOFT', 'hardReboot': 'HARD'}


def _allowed_persona(persona, roles, is_admin):
    if is_admin:
        return True
    if persona == 'admin':
        return False
    if persona == 'reader':
        return 'reader' in roles or 'member' in roles
    return 'member' in roles


def _in(value, allowed):
    return allowed is None or value in allowed


def offered(item, server, roles, is_admin):
    """Whether ``item`` is valid for ``server`` (a Compute API server
    body) and a user with ``roles``."""
    vm_state = server.get('OS-EXT-STS:vm_state')
    task_state = server.get('OS-EXT-STS:task_state')
    if not _allowed_persona(item.persona, roles, is_admin):
        return False
    if vm_state == vs.DELETED or task_state in (ts.DELETING,
                                                ts.SOFT_DELETING):
        return False
    if item.needs_host and not server.get('hostId'):
        return False  # never placed: nothing to act on yet
    if item.checks_lock and server.get('locked') and not is_admin:
        return False
    if item.key == 'lock' and server.get('locked'):
        return False
    if item.key == 'unlock' and not server.get('locked'):
        return False
    if item.key == 'delete' and vm_state == vs.SOFT_DELETED:
        return False
    return _in(vm_state, item.vm_states) and _in(task_state,
                                                 item.task_states)


def menu(server, roles, is_admin):
    """The items of ``server``'s menu, in menu order."""
    return [item for item in ITEMS
            if offered(item, server, roles, is_admin)]


def api_body(key, form=None):
    """The body of ``POST /servers/{id}/action`` for a click on ``key``
    (actions with no input)."""
    if key in REBOOT_TYPES:
        return {'reboot': {'type': REBOOT_TYPES[key]}}
    if key == 'os-resetState':
        return {'os-resetState': {'state': 'error'}}
    if key == 'os-migrateLive':  # to a host the scheduler picks
        return {key: {'host': None, 'block_migration': 'auto'}}
    if key == 'evacuate':
        return {key: {}}
    return {key: None}
