"""Which deadline each task_state has, and what its expiry leads to.

Pure data plus arithmetic on the configuration, importable by the
conductor (which resolves expired tasks) and the API (which lists them).

Outcomes:

* ``reschedule`` - the build never reached a compute host (or its claim's
  host is down): scheduled and cast again.
* ``build`` - spawning on a host: rescheduled if that host is down,
  otherwise ERROR with a fault.
* ``stable`` - back to the stable state the server was in, no task.
* ``error`` - ERROR with a fault naming what timed out.
* ``delete`` - cast again to the host if it is up, else finished by the
  conductor (the host reaps the guest when it comes back).
"""
import datetime

from nova_core.states import task_states as ts

RESCHEDULE, BUILD, STABLE, ERROR, DELETE = (
    'reschedule', 'build', 'stable', 'error', 'delete')

#: task_state -> (option of [instance_deadlines] or of [DEFAULT], outcome)
TABLE = {
    ts.SCHEDULING: ('scheduling', RESCHEDULE),
    ts.BLOCK_DEVICE_MAPPING: ('instance_build_timeout', BUILD),
    ts.NETWORKING: ('instance_build_timeout', BUILD),
    ts.SPAWNING: ('instance_build_timeout', BUILD),
    ts.REBOOTING: ('power', STABLE),
    ts.REBOOT_PENDING: ('power', STABLE),
    ts.REBOOT_STARTED: ('power', STABLE),
    ts.REBOOTING_HARD: ('power', STABLE),
    ts.REBOOT_PENDING_HARD: ('power', STABLE),
    ts.REBOOT_STARTED_HARD: ('power', STABLE),
    ts.PAUSING: ('power', STABLE),
    ts.UNPAUSING: ('power', STABLE),
    ts.SUSPENDING: ('power', STABLE),
    ts.RESUMING: ('power', STABLE),
    ts.POWERING_OFF: ('power', STABLE),
    ts.POWERING_ON: ('power', STABLE),
    ts.SOFT_DELETING: ('power', STABLE),
    ts.RESTORING: ('power', STABLE),
    ts.UPDATING_PASSWORD: ('power', STABLE),
    ts.IMAGE_SNAPSHOT: ('snapshot', STABLE),
    ts.IMAGE_SNAPSHOT_PENDING: ('snapshot', STABLE),
    ts.IMAGE_PENDING_UPLOAD: ('snapshot', STABLE),
    ts.IMAGE_UPLOADING: ('snapshot', STABLE),
    ts.IMAGE_BACKUP: ('snapshot', STABLE),
    ts.SHELVING: ('snapshot', STABLE),
    ts.SHELVING_IMAGE_PENDING_UPLOAD: ('snapshot', STABLE),
    ts.SHELVING_IMAGE_UPLOADING: ('snapshot', STABLE),
    ts.SHELVING_OFFLOADING: ('power', ERROR),
    ts.UNSHELVING: ('rebuild', ERROR),
    ts.RESCUING: ('rebuild', ERROR),
    ts.UNRESCUING: ('rebuild', ERROR),
    ts.REBUILDING: ('rebuild', ERROR),
    ts.REBUILD_BLOCK_DEVICE_MAPPING: ('rebuild', ERROR),
    ts.REBUILD_SPAWNING: ('rebuild', ERROR),
    ts.RESIZE_PREP: ('resize', STABLE),
    ts.RESIZE_MIGRATING: ('resize', ERROR),
    ts.RESIZE_MIGRATED: ('resize', ERROR),
    ts.RESIZE_FINISH: ('resize', ERROR),
    ts.RESIZE_REVERTING: ('resize', ERROR),
    ts.RESIZE_CONFIRMING: ('resize', ERROR),
    ts.MIGRATING: ('resize', STABLE),
    ts.DELETING: ('delete', DELETE),
}


def seconds(conf, task_state):
    """The deadline of ``task_state`` in seconds; 0 means none."""
    option, _outcome = TABLE[task_state]
    if option == 'instance_build_timeout':
        return conf.instance_build_timeout
    return getattr(conf.instance_deadlines, option)


def outcome(task_state):
    """What an expired ``task_state`` leads to (ERROR if unknown)."""
    return TABLE.get(task_state, (None, ERROR))[1]


def cutoffs(conf, now):
    """task_state -> the time before which a task in it is overdue."""
    result = {}
    for state in TABLE:
        limit = seconds(conf, state)
        if limit:
            result[state] = now - datetime.timedelta(seconds=limit)
    return result
