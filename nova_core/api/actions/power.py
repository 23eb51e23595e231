"""Reboot, stop/start, pause/unpause, suspend/resume."""
from nova_core.api.actions.base import (
    HARD_REBOOT_TASKS,
    Action,
    plugged_in,
    simple,
)
from nova_core.api.schemas import servers as schemas
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs


def _reboot(ctx, api, instance, body):
    hard = body['reboot']['type'].upper() == 'HARD'
    if hard:
        vm_from = (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED, vs.ERROR)
        task_from, task = HARD_REBOOT_TASKS, ts.REBOOTING_HARD
    else:
        vm_from, task_from, task = (vs.ACTIVE,), (None,), ts.REBOOTING
    api.run_action(ctx, instance, 'reboot', vm_from, task_from, task,
                   lambda c, i: api.compute.reboot_instance(
                       c, plugged_in(i) if hard else i,
                       'HARD' if hard else 'SOFT'))


def _no_argument(name, rule, action, vm_from, task, method, plugged=False):
    return name, Action(rule, schemas.no_argument_action(name),
                        simple(action, vm_from, task, method,
                               plugged=plugged))


ACTIONS = dict([
    ('reboot', Action('os_compute_api:servers:reboot', schemas.REBOOT,
                      _reboot)),
    _no_argument('os-stop', 'os_compute_api:servers:stop', 'stop',
                 (vs.ACTIVE, vs.ERROR), ts.POWERING_OFF, 'stop_instance'),
    _no_argument('os-start', 'os_compute_api:servers:start', 'start',
                 (vs.STOPPED,), ts.POWERING_ON, 'start_instance',
                 plugged=True),
    _no_argument('pause', 'os_compute_api:os-pause-server:pause', 'pause',
                 (vs.ACTIVE,), ts.PAUSING, 'pause_instance'),
    _no_argument('unpause', 'os_compute_api:os-pause-server:unpause',
                 'unpause', (vs.PAUSED,), ts.UNPAUSING, 'unpause_instance'),
    _no_argument('suspend', 'os_compute_api:os-suspend-server:suspend',
                 'suspend', (vs.ACTIVE,), ts.SUSPENDING, 'suspend_instance'),
    _no_argument('resume', 'os_compute_api:os-suspend-server:resume',
                 'resume', (vs.SUSPENDED,), ts.RESUMING, 'resume_instance'),
])
