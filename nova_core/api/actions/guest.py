"""``changePassword`` and ``trigger_crash_dump`` (2.17), as Nova's.

changePassword asks the compute host and waits (an RPC call, as Nova's):
the driver's answer decides the status, 409 when the guest has no agent
to set it or setting it failed, 501 where the driver cannot at all.
trigger_crash_dump needs a running guest (409 otherwise) and is cast.
"""
from nova_core import exception
from nova_core.api import request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.schemas import server_lifecycle as schemas
from nova_core.db import instances as db_instances
from nova_core.states import power_state
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

CRASH_DUMP_FROM = (vs.ACTIVE, vs.PAUSED, vs.RESCUED, vs.RESIZED, vs.ERROR)


def _change_password(ctx, api, instance, body):
    password = body['changePassword']['adminPass']
    api.run_action(ctx, instance, 'changePassword', (vs.ACTIVE,), (None,),
                   ts.UPDATING_PASSWORD,
                   lambda c, i: _set_password(api, c, i, password))


def _set_password(api, ctx, instance, password):
    try:
        api.compute.set_admin_password(ctx, instance, password)
    except exception.InstancePasswordSetFailed as exc:
        # Nova does not tell the caller what went wrong inside the guest.
        raise exception.InstancePasswordSetFailed(
            instance=instance['uuid'],
            reason='error setting admin password') from exc
    except Exception:
        # Never left in updating_password by an error in between.
        try:
            db_instances.update(instance['uuid'], {'task_state': None},
                                expected_task_state=ts.UPDATING_PASSWORD)
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict):
            pass
        raise


def _trigger_crash_dump(ctx, api, instance, body):
    if not request.version().matches('2.17'):
        raise exception.ValidationError(
            detail='There is no such action: trigger_crash_dump')
    servers_api_mod.check_state(instance, 'trigger_crash_dump',
                                CRASH_DUMP_FROM, (None,))
    if instance['host'] is None or \
            instance['power_state'] != power_state.RUNNING:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    api._record(ctx, instance, 'trigger_crash_dump')
    api.compute.trigger_crash_dump(ctx, instance)


ACTIONS = {
    'changePassword': Action('os_compute_api:os-admin-password',
                             schemas.CHANGE_PASSWORD, _change_password),
    'trigger_crash_dump': Action('os_compute_api:servers:trigger_crash_dump',
                                 schemas.TRIGGER_CRASH_DUMP,
                                 _trigger_crash_dump),
}
