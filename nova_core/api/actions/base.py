"""What an action is, and the helpers its handlers share."""
import collections

from nova_core import network
from nova_core.api import request
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.states import task_states as ts

#: ``rule``: the policy checked against the server's project and user;
#: ``schema``: the JSON Schema of the whole body (a function of the
#: microversion, or a dict); ``handler``: does the work;
#: ``checks_lock``: a locked server refuses it to non-admins (Nova's
#: ``check_instance_lock``).
Action = collections.namedtuple('Action', 'rule schema handler checks_lock',
                                defaults=(True,))


def simple(action, vm_from, task, method, task_from=(None,),
           plugged=False):
    """An action with no arguments: states in, task_state, compute call;
    ``plugged``: the instance goes with its ``network_info``
    (:func:`plugged_in`)."""
    def run(ctx, api, instance, body):
        call = getattr(api.compute, method)
        api.run_action(ctx, instance, action, vm_from, task_from, task,
                       (lambda c, i: call(c, plugged_in(i))) if plugged
                       else call)
    return run


def plugged_in(instance):
    """``instance`` with what its guest is plugged into
    (``network_info``, as the conductor sends it with a build), for the
    actions whose compute host may boot the guest anew: a rebuild, and a
    hard reboot or start of a guest its hypervisor lost (Nova makes its
    domain XML again)."""
    return dict(instance, network_info=db_fixed_ips.network_info(
        instance, network.networks(request.conf())))


#: The task_states a hard reboot may interrupt, as Nova's.
HARD_REBOOT_TASKS = (None, ts.REBOOTING, ts.REBOOT_PENDING,
                     ts.REBOOT_STARTED, ts.REBOOTING_HARD,
                     ts.REBOOT_PENDING_HARD, ts.REBOOT_STARTED_HARD,
                     ts.RESUMING, ts.UNPAUSING, ts.SUSPENDING, ts.PAUSING)
