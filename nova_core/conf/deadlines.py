"""Deadlines of transitional task states (``[instance_deadlines]``).

Every ``task_state`` an instance passes through has a deadline, counted
from the instance's last recorded change; the conductor's periodic check
(:mod:`nova_core.conductor.deadlines`) resolves each expired one. Builds
past their spawning deadline use ``[DEFAULT] instance_build_timeout``.
A deadline of 0 turns the check off for those states.
"""
from oslo_config import cfg

deadlines_group = cfg.OptGroup(
    'instance_deadlines', title='Deadlines of transitional task states',
    help='Seconds an instance may stay in a task state before the '
         'conductor resolves it: re-driven where that is safe (a build that '
         'never reached a compute host, a delete), otherwise back to the '
         'stable state it was in, or ERROR with a fault naming what timed '
         'out. Each outcome is recorded as an instance action event.')

deadlines_opts = [
    cfg.IntOpt(
        'scheduling', default=120, min=0,
        help='Seconds a build may stay in scheduling (no compute host has '
             'taken it yet) before it is scheduled and cast again.'),
    cfg.IntOpt(
        'power', default=300, min=0,
        help='Seconds for reboots, power off/on, pause/unpause, '
             'suspend/resume, soft delete, restore and password updates; '
             'past it the server goes back to the state its guest was last '
             'recorded in, with no task.'),
    cfg.IntOpt(
        'rebuild', default=600, min=0,
        help='Seconds for a rebuild; past it the server goes to ERROR.'),
    cfg.IntOpt(
        'resize', default=1200, min=0,
        help='Seconds for each step of a resize or migration '
             '(resize_prep ... resize_confirming). A resize that never left '
             'resize_prep goes back to its previous state; later steps go '
             'to ERROR.'),
    cfg.IntOpt(
        'snapshot', default=1200, min=0,
        help='Seconds for an image snapshot and its upload; past it the '
             'server goes back to its state with no task.'),
    cfg.IntOpt(
        'delete', default=180, min=0,
        help='Seconds a delete may stay in deleting before it is cast again '
             'to its host (if up), or finished by the conductor (if its host '
             'is down; the host destroys the guest when it comes back).'),
]


def register_opts(conf):
    conf.register_group(deadlines_group)
    conf.register_opts(deadlines_opts, group=deadlines_group)


def list_opts():
    return {deadlines_group: deadlines_opts}
