"""What an action is, and the helpers its handlers share."""
import collections

from nova_core.states import task_states as ts

#: ``rule``: the policy checked against the server's project and user;
#: ``schema``: the JSON Schema of the whole body (a function of the
#: microversion, or a dict); ``handler``: does the work;
#: ``checks_lock``: a locked server refuses it to non-admins (Nova's
#: ``check_instance_lock``).
Action = collections.namedtuple('Action', 'rule schema handler checks_lock',
                                defaults=(True,))


def simple(action, vm_from, task, method, task_from=(None,)):
    """An action with no arguments: states in, task_state, compute call."""
    def run(ctx, api, instance, body):
        api.run_action(ctx, instance, action, vm_from, task_from, task,
                       getattr(api.compute, method))
    return run


#: The task_states a hard reboot may interrupt, as Nova's.
HARD_REBOOT_TASKS = (None, ts.REBOOTING, ts.REBOOT_PENDING,
                     ts.REBOOT_STARTED, ts.REBOOTING_HARD,
                     ts.REBOOT_PENDING_HARD, ts.REBOOT_STARTED_HARD,
                     ts.RESUMING, ts.UNPAUSING, ts.SUSPENDING, ts.PAUSING)
