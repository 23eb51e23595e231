"""Live migration: check and claim the destination, then hand the move to
the source host; record the steps both hosts report.

The API has set ``task_state=migrating`` and recorded the action. Here the
conductor records a migration of type ``live-migration`` (``queued``) and
finds the destination as Nova's ``LiveMigrationTask`` does: a host named
and forced (before 2.30 a named host is always forced) is checked directly
(not the source, its compute up, its driver able to live-migrate, room for
the flavor); otherwise the scheduler's filters choose among the other hosts
that can (only the named one, if any). The flavor is claimed on the
destination (``preparing``) and ``live_migration`` is cast to the source.

Statuses: ``queued`` -> ``preparing`` -> ``running`` (the source moves the
guest) -> ``post-migrating`` (it runs on the destination) -> ``completed``
(the instance's record moves there, the source's claim is given back), or
``error`` (the destination's claim is given back).

When a check fails nothing is claimed: the migration is ``error``, the
instance keeps its state with no task, and the error goes back to the API
(before 2.34, which answers 400) or only to the action's event (2.34 on:
Nova's asynchronous pre-checks).
"""
import logging

from nova_core import exception
from nova_core.compute import power_state, task_states, vm_states
from nova_core.compute.rpcapi import LIVE_MIGRATION_CAPABILITY
from nova_core.conductor import resize, unplaced
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow

LOG = logging.getLogger(__name__)

EVENT = 'conductor_live_migrate_instance'
#: The checks whose failure the API answers with 400 (before 2.34).
PRECHECK_ERRORS = (exception.NoValidHost, exception.UnableToMigrateToSelf,
                   exception.ComputeServiceUnavailable,
                   exception.MigrationPreCheckError)


def can_live_migrate(node):
    """Whether the node's driver reported it can live-migrate."""
    return bool((node.get('capabilities') or {}).get(
        LIVE_MIGRATION_CAPABILITY))


def live_migrate_instance(context, conf, compute_rpcapi, instance, host,
                          force, async_):
    """Check and claim a destination for ``instance`` (``host`` if given,
    without the scheduler if ``force``), then cast the move to its host.

    :raises: one of :data:`PRECHECK_ERRORS` unless ``async_``.
    """
    started = utcnow()
    migration = moves.create({
        'instance_uuid': instance['uuid'],
        'source_compute': instance['host'], 'source_node': instance['node'],
        'old_flavor': instance['flavor'], 'new_flavor': instance['flavor'],
        'user_id': instance['user_id'],
        'project_id': instance['project_id'],
        'migration_type': 'live-migration', 'status': 'queued'})
    try:
        _check_source(instance)
        if host is not None and force:
            migration = _claim_forced(conf, instance, migration, host)
        else:
            migration = _claim_scheduled(conf, instance, migration, host)
    except PRECHECK_ERRORS as exc:
        unplaced.record(context, instance['uuid'], exc,
                        what='Live migration', event=EVENT,
                        task_state=task_states.MIGRATING, started=started,
                        host=conf.host, migration=migration, fault=False)
        if async_:
            return None
        raise
    db_actions.event_finish(instance['uuid'], context.request_id, EVENT,
                            'Success', start_time=started, host=conf.host)
    compute_rpcapi.live_migration(context, instance, migration)
    return migration


def _check_source(instance):
    nodes = db_services.node_get_all(host=instance['host'])
    if not any(can_live_migrate(n) for n in nodes):
        raise exception.MigrationPreCheckError(
            reason='The compute driver of host %s does not support live '
                   'migration.' % instance['host'])


def _claim_forced(conf, instance, migration, host):
    """Nova's checks of a requested destination that bypasses the
    scheduler (a disabled host is allowed, as in Nova)."""
    if host == instance['host']:
        raise exception.UnableToMigrateToSelf(instance_id=instance['uuid'],
                                              host=host)
    nodes = [n for n in db_services.nodes_for_scheduling()
             if n['host'] == host]
    if not nodes or not db_services.is_up(nodes[0]['service'],
                                          conf.service_down_time):
        raise exception.ComputeServiceUnavailable(host=host)
    if not any(can_live_migrate(n) for n in nodes):
        raise exception.MigrationPreCheckError(
            reason='The compute driver of host %s does not support live '
                   'migration.' % host)
    with db_session.transaction():
        for node in nodes:
            claimed = moves.claim_destination(
                migration['id'], host, node['hypervisor_hostname'])
            if claimed is not None:
                return _preparing(claimed)
    raise exception.MigrationPreCheckError(
        reason='Unable to migrate %s to %s: Lack of resources (vCPUs, '
               'memory or disk) on the host.' % (instance['uuid'], host))


def _claim_scheduled(conf, instance, migration, host):
    source = instance['host']
    nodes = [n for n in db_services.nodes_for_scheduling()
             if n['host'] != source and can_live_migrate(n) and
             host in (None, n['host'])]
    if not nodes:
        raise exception.NoValidHost(
            reason='No compute host that can live-migrate other than the '
                   'current one.' if host is None else
                   'Host %s cannot take the instance.' % host)
    flavor = instance['flavor']
    spec = {'vcpus': flavor['vcpus'], 'memory_mb': flavor['memory_mb'],
            'disk_gb': flavor['root_gb'] + flavor['ephemeral_gb'],
            'availability_zone': instance['availability_zone'],
            'instance_uuid': instance['uuid']}
    return _preparing(resize.claim(conf, migration, spec, nodes))


def _preparing(migration):
    return moves.set_status(migration['id'], 'preparing',
                            expected=('queued',))


# --- steps reported by the compute services --------------------------------

def _running(uuid, migration_id, values):
    moves.set_status(migration_id, 'running', expected=('preparing',))
    return db_instances.get(uuid)


def _post_migrating(uuid, migration_id, values):
    moves.set_status(migration_id, 'post-migrating', expected=('running',))
    return db_instances.get(uuid)


def _completed(uuid, migration_id, values):
    """The guest runs on the destination: the instance's record moves
    there and the source's claim is given back."""
    migration = moves.finish(migration_id, 'completed', ('post-migrating',),
                             give_back='old')
    return db_instances.update(uuid, {
        'host': migration['dest_compute'], 'node': migration['dest_node'],
        'task_state': None,
        'power_state': values.get('power_state', power_state.RUNNING)},
        expected_task_state=task_states.MIGRATING)


def _failed(uuid, migration_id, values):
    """Before the guest left the source, Nova's rollback: the instance
    stays where it was, with no task. After, it is lost between the hosts:
    ERROR on the destination, with a fault."""
    migration = moves.get(migration_id)
    db_instances.fault_create(uuid, 500, values['message'],
                              values.get('details'), values.get('host'))
    if migration['status'] == 'post-migrating':
        moves.finish(migration_id, 'error', ('post-migrating',),
                     give_back='old')
        return db_instances.update(uuid, {
            'host': migration['dest_compute'],
            'node': migration['dest_node'], 'vm_state': vm_states.ERROR,
            'task_state': None, 'power_state': power_state.NOSTATE})
    if migration['status'] in moves.LIVE_IN_PROGRESS:
        moves.finish(migration_id, 'error', moves.LIVE_IN_PROGRESS,
                     give_back='new')
    return db_instances.update(uuid, {
        'task_state': None,
        'power_state': values.get('power_state', power_state.NOSTATE)})


STEPS = {
    'running': _running,
    'post-migrating': _post_migrating,
    'completed': _completed,
    'failed': _failed,
}
