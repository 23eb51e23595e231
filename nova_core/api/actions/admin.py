"""``os-resetState``: an administrator's way out of a stuck state.

It writes the vm_state asked for and clears the task_state, whatever the
server is doing and even when it is locked, without asking its compute
host: that is its purpose (Nova's admin_actions). Recorded in
os-instance-actions as ``resetState``.
"""
from nova_core.api.actions.base import Action
from nova_core.api.schemas import admin_actions as schemas
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db.session import transaction
from nova_core.states import vm_states

#: The states the body may name -> vm_state.
STATE_MAP = {'active': vm_states.ACTIVE, 'error': vm_states.ERROR}


def _reset_state(ctx, api, instance, body):
    state = STATE_MAP[body['os-resetState']['state']]
    with transaction():
        db_actions.start(instance['uuid'], 'resetState', ctx.request_id,
                         ctx.user_id, ctx.project_id)
        db_instances.update(instance['uuid'], {'vm_state': state,
                                               'task_state': None})


ACTIONS = {
    'os-resetState': Action('os_compute_api:os-admin-actions:reset_state',
                            schemas.RESET_STATE, _reset_state,
                            checks_lock=False),
}
