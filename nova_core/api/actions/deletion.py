"""Deleting a server, softly or not: ``DELETE /servers/{id}``, and the
``restore`` and ``forceDelete`` actions (Nova's deferred_delete).

With ``[DEFAULT] reclaim_instance_interval`` > 0 a delete of a server
that has run only soft-deletes it: task_state ``soft-deleting`` until its
compute host has powered the guest off, then vm_state ``soft-delete``
(status SOFT_DELETED) with ``deleted_at`` set. Its owner still sees it and
may ``restore`` it or ``forceDelete`` it; else its compute service
reclaims it once older than the interval (:mod:`nova_core.compute.reclaim`).
A server that never ran, or whose host is down, is deleted at once, as
Nova does.
"""
from nova_core import exception
from nova_core.api import request
from nova_core.api.actions.base import Action
from nova_core.api.schemas import deferred_delete as schemas
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db.models import utcnow
from nova_core.states import task_states, vm_states

POLICY = 'os_compute_api:os-deferred-delete:%s'


def delete_server(ctx, api, instance):
    """``DELETE /servers/{id}`` once authorized and the lock checked: soft
    when the interval is set and the server has run, else for real."""
    if request.conf().reclaim_instance_interval > 0 and \
            instance['launched_at']:
        soft_delete(ctx, api, instance)
    else:
        api.delete(ctx, instance)


def soft_delete(ctx, api, instance):
    """Mark the server soft-deleting and ask its host to power it off.

    :raises: InstanceTaskStateConflict (409) if its task_state changed
        meanwhile.
    """
    if instance['task_state'] in (task_states.DELETING,
                                  task_states.SOFT_DELETING):
        return  # on its way out already; Nova ignores the request too
    if instance['host'] is None or not api.host_up(instance['host']):
        api.delete(ctx, instance)  # Nova's local delete: gone at once
        return
    try:
        instance = db_instances.update(
            instance['uuid'], {'task_state': task_states.SOFT_DELETING,
                               'deleted_at': utcnow(), 'progress': 0},
            expected_task_state=(instance['task_state'],))
    except exception.InstanceNotFound:
        return
    db_actions.start(instance['uuid'], 'delete', ctx.request_id,
                     ctx.user_id, ctx.project_id)
    api.compute.soft_delete_instance(ctx, instance)


def _restore(ctx, api, instance, body):
    api.run_action(ctx, instance, 'restore', (vm_states.SOFT_DELETED,),
                   (None,), task_states.RESTORING,
                   api.compute.restore_instance)


def _force_delete(ctx, api, instance, body):
    """Delete now, whatever the state (Nova: "Force delete an instance in
    any vm_state/task_state"), soft-deleted or not."""
    api.delete(ctx, instance)


ACTIONS = {
    'restore': Action(POLICY % 'restore', schemas.RESTORE, _restore),
    'forceDelete': Action(POLICY % 'force', schemas.FORCE_DELETE,
                          _force_delete),
}
