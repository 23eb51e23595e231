"""What a verified compute host may ask of the conductor, method by method.

A compute host's calls touch only its own services, compute nodes and
instances (those on the host, or moving to or from it in a resize), and
change only the fields that the call is for. Every rule is a function
``rule(ctxt, host, kwargs)`` that returns quietly or raises
:class:`Refused`; a method without a rule is for controllers only
(``build_instances``, ``migrate_server``, ``live_migrate_instance``,
``evacuate_instance``, the periodic checks, and any
method added later until it is given a rule here).

Most rules read nothing: they compare the call's arguments with the
calling host, and the method then writes only rows of that host (its
``UPDATE ... WHERE host = ...``). Rules marked :func:`in_transaction`
read rows, and the guard runs them and the method in one transaction:

- the hot writes of every boot and power action (``instance_update``,
  ``instance_build_started``) are checked on the row the write itself
  returns, in its transaction, with no statement of the guard's own: the
  rule returns a check that runs after the method, and a refusal there
  rolls the write back. Only a write that failed (the instance is gone or
  in another state) has the guard read the row, to tell a refusal from the
  method's own error;
- the others lock the instance's row (``SELECT ... FOR UPDATE``) before the
  method runs, so it cannot move to another host between the check and the
  change.

The rules live by what they guard: ``hosts`` (services and compute
nodes), ``instances`` (builds, updates, deletes, faults, action events),
``moves`` (resizes, migrations, evacuations, shelving, backups) and
``interfaces``; ``checks`` holds what they are made of.
"""
from nova_core.conductor.authz import hosts, instances, interfaces, moves
from nova_core.conductor.authz.checks import Refused

__all__ = ['COMPUTE_RULES', 'Refused']

#: method -> rule, for the calls compute hosts make.
COMPUTE_RULES = {
    rule.__name__: rule for rule in (
        hosts.service_register, hosts.service_heartbeat,
        hosts.compute_node_update, hosts.service_stopped,
        instances.instance_get_deleted, instances.instance_build_started,
        instances.reschedule_build, instances.instance_get_all_by_host,
        instances.instance_get_reclaimable, instances.instance_usage_audit,
        instances.instance_start_reclaim, instances.instance_update,
        instances.instance_destroy, instances.instance_build_failed,
        instances.instance_fault_create, instances.action_event_start,
        instances.action_event_finish, moves.resize_step, moves.move_step,
        moves.evacuated_instances, moves.shelve_step,
        moves.instance_backups, interfaces.interface_allocate,
        interfaces.interface_release)}
