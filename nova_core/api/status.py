"""The API's ``status`` of a server, from its vm_state and task_state.

The table is Nova's (nova/api/openstack/common.py): each vm_state has a
default status and the task_states that show otherwise.
"""
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

_RESIZE = {ts.RESIZE_PREP: 'RESIZE', ts.RESIZE_MIGRATING: 'RESIZE',
           ts.RESIZE_MIGRATED: 'RESIZE', ts.RESIZE_FINISH: 'RESIZE'}
_REBUILD = {ts.REBUILDING: 'REBUILD', ts.REBUILD_BLOCK_DEVICE_MAPPING:
            'REBUILD', ts.REBUILD_SPAWNING: 'REBUILD'}

STATE_MAP = {
    vs.ACTIVE: {
        'default': 'ACTIVE',
        ts.REBOOTING: 'REBOOT', ts.REBOOT_PENDING: 'REBOOT',
        ts.REBOOT_STARTED: 'REBOOT',
        ts.REBOOTING_HARD: 'HARD_REBOOT',
        ts.REBOOT_PENDING_HARD: 'HARD_REBOOT',
        ts.REBOOT_STARTED_HARD: 'HARD_REBOOT',
        ts.UPDATING_PASSWORD: 'PASSWORD',
        **_REBUILD, **_RESIZE,
    },
    vs.BUILDING: {'default': 'BUILD'},
    vs.STOPPED: {'default': 'SHUTOFF', **_RESIZE, **_REBUILD},
    vs.RESIZED: {'default': 'VERIFY_RESIZE',
                 ts.RESIZE_REVERTING: 'REVERT_RESIZE'},
    vs.PAUSED: {'default': 'PAUSED'},
    vs.SUSPENDED: {'default': 'SUSPENDED'},
    vs.RESCUED: {'default': 'RESCUE'},
    vs.ERROR: {'default': 'ERROR', **_REBUILD},
    vs.DELETED: {'default': 'DELETED'},
    vs.SOFT_DELETED: {'default': 'SOFT_DELETED'},
    vs.SHELVED: {'default': 'SHELVED'},
    vs.SHELVED_OFFLOADED: {'default': 'SHELVED_OFFLOADED'},
}

#: Statuses that show the ``progress`` attribute.
PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE',
                     'VERIFY_RESIZE', 'MIGRATING')


def status(vm_state, task_state):
    task_map = STATE_MAP.get(vm_state, {'default': 'UNKNOWN'})
    return task_map.get(task_state, task_map['default'])


def states_for(status_name):
    """(vm_states, task_states) whose pairs show ``status_name``.

    For Nova's table every matching pair lies in the product of the two
    sets, so filtering on both is exact. ``task_states`` may hold None. An
    unknown status gives empty sets: a filter on it matches nothing, as in
    Nova.
    """
    wanted = status_name.upper()
    pairs = [(vm, task) for vm in STATE_MAP for task in _ALL_TASKS + [None]
             if status(vm, task) == wanted]
    return {vm for vm, _ in pairs}, {task for _, task in pairs}


_ALL_TASKS = [v for k, v in vars(ts).items() if k.isupper()]
