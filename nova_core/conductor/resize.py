"""Resizing an instance: choose a destination for the new flavor, claim it,
and record each step the compute services report.

The API has set ``task_state=resize_prep``. Here the conductor records a
migration, selects a host for the new flavor (never the current one unless
``[DEFAULT] allow_resize_to_same_host``, and only the current one when the
source driver cannot move disks between hosts), claims the new flavor on it
atomically and casts ``resize_instance`` to the source host. The computes
then report their steps through :func:`step`; see :mod:`nova_core.db.moves`
for which claim is held when.
"""
import datetime
import logging

from nova_core import exception
from nova_core.compute import power_state, task_states, vm_states
from nova_core.conductor import unplaced
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error
from nova_core.scheduler import group_policy, host_selection

LOG = logging.getLogger(__name__)

EVENT = 'conductor_migrate_server'
FLAVOR_FIELDS = ('vcpus', 'memory_mb', 'root_gb', 'ephemeral_gb', 'swap')
#: The capability a driver reports, with its host's resources, when it can
#: move a guest's disks to another host (see
#: :attr:`nova_core.virt.driver.ComputeDriver.capabilities`).
MOVE_CAPABILITY = 'supports_migrate_to_other_host'


def migrate_server(context, conf, compute_rpcapi, instance, flavor,
                   image_meta, migration_type='resize', host=None):
    """Schedule and claim the resize of ``instance`` to ``flavor``, or
    its cold migration (``migration_type='migration'``: the same flavor,
    never the current host, ``host`` only if given).

    With no host to go to, the instance goes back to its state (Nova keeps
    it ACTIVE or STOPPED) and the action's event records the error.
    """
    uuid = instance['uuid']
    started = utcnow()
    migration = moves.create({
        'instance_uuid': uuid, 'source_compute': instance['host'],
        'source_node': instance['node'], 'old_flavor': instance['flavor'],
        'new_flavor': flavor, 'user_id': instance['user_id'],
        'project_id': instance['project_id'],
        'migration_type': migration_type})
    try:
        if migration_type == 'migration':
            candidates = _migration_candidates(instance, host)
        else:
            candidates = _candidates(conf, instance)
        spec = {'vcpus': flavor['vcpus'], 'memory_mb': flavor['memory_mb'],
                'disk_gb': flavor['root_gb'] + flavor['ephemeral_gb'],
                'availability_zone': instance['availability_zone'],
                'extra_specs': flavor.get('extra_specs') or {},
                'instance_uuid': uuid}
        migration = _claim(conf, migration, spec, candidates)
    except exception.NoValidHost as exc:
        unplaced.record(context, uuid, exc, what='Resize', event=EVENT,
                        task_state=task_states.RESIZE_PREP, started=started,
                        host=conf.host, migration=migration)
        return
    db_actions.event_finish(uuid, context.request_id, EVENT, 'Success',
                            start_time=started, host=conf.host)
    compute_rpcapi.resize_instance(context, instance, migration, image_meta)


def _candidates(conf, instance):
    """Nodes the instance may move to, before the resource filters.

    What each host's driver can do comes from what the host reported with
    its resources: no host is asked while choosing, so a dead candidate
    costs nothing (it is not up, and the ComputeFilter drops it).
    """
    all_nodes = db_services.nodes_for_scheduling()
    source = instance['host']
    movable = any(_can_move(n) for n in all_nodes if n['host'] == source)
    nodes = all_nodes
    if not conf.allow_resize_to_same_host:
        nodes = [n for n in nodes if n['host'] != source]
    if not movable:
        nodes = [n for n in nodes if n['host'] == source]
    if not nodes:
        if not movable:
            raise exception.NoValidHost(
                reason='The compute driver of host %s cannot move disks to '
                       'another host, so it resizes only in place; that '
                       'needs [DEFAULT] allow_resize_to_same_host = True.'
                       % source)
        raise exception.NoValidHost(
            reason='No compute host other than the current one, and '
                   '[DEFAULT] allow_resize_to_same_host is False.')
    return [n for n in nodes if n['host'] == source or _can_move(n)]


def _migration_candidates(instance, host):
    """Nodes a cold migration may go to: another host than the
    instance's (``host`` if the admin named one) whose driver, like the
    source's, can move disks between hosts."""
    all_nodes = db_services.nodes_for_scheduling()
    source = instance['host']
    if not any(_can_move(n) for n in all_nodes if n['host'] == source):
        raise exception.NoValidHost(
            reason='The compute driver of host %s cannot move disks to '
                   'another host.' % source)
    nodes = [n for n in all_nodes if n['host'] != source and _can_move(n)
             and host in (None, n['host'])]
    if not nodes:
        raise exception.NoValidHost(
            reason='No compute host to migrate to other than the current '
                   'one.' if host is None else
                   'Host %s is not up or cannot take the instance.' % host)
    return nodes


def _can_move(node):
    """Whether the node's driver reported it can move disks to another
    host; a node that has not reported its capabilities yet cannot."""
    return bool((node.get('capabilities') or {}).get(MOVE_CAPABILITY))


@retry_on_db_error
def _claim(conf, migration, spec, candidates):
    """Select and claim a destination in one transaction (tried again
    whole after a deadlock or a lost connection)."""
    with db_session.transaction():
        # The server group's policy holds against concurrent claims, as
        # for builds (see conductor/build.py).
        spec = group_policy.with_group(spec, lock=True)
        return _claim_first_fitting(
            migration, host_selection.select_hosts(spec, conf, candidates))


#: Shared with the live migration and the evacuation.
claim = _claim


def _claim_first_fitting(migration, nodes):
    for node in nodes:
        claimed = moves.claim_destination(migration['id'], node['host'],
                                          node['hypervisor_hostname'])
        if claimed is not None:
            LOG.debug('Resize of %s claimed on %s',
                      migration['instance_uuid'], node['host'])
            return claimed
        LOG.info('Node %s filled up meanwhile; trying the next',
                 node['host'])
    raise exception.NoValidHost(reason='There are not enough hosts '
                                       'available.')


# --- steps reported by the compute services --------------------------------

@retry_on_db_error
def step(context, instance_uuid, migration_id, name, values=None):
    """Record a step of a resize in the migration and the instance at once.

    :raises: InstanceNotFound, InstanceTaskStateConflict,
        MigrationNotFound, MigrationStatusConflict.
    """
    values = values or {}
    with db_session.transaction():
        return STEPS[name](instance_uuid, migration_id, values)


def _progress(status, expected, task, expected_task):
    def run(instance_uuid, migration_id, values):
        moves.set_status(migration_id, status, expected=expected)
        return db_instances.update(instance_uuid, {'task_state': task},
                                   expected_task_state=expected_task)
    return run


def _flavor_values(flavor):
    values = {k: flavor.get(k) or 0 for k in FLAVOR_FIELDS}
    values.update(flavor=flavor, flavor_id=flavor['flavorid'])
    return values


def _finished(instance_uuid, migration_id, values):
    migration = moves.set_status(migration_id, 'finished',
                                 expected=('post-migrating',))
    instance = db_instances.get(instance_uuid)
    system_metadata = dict(instance['system_metadata'] or {},
                           old_vm_state=instance['vm_state'])
    return db_instances.update(instance_uuid, dict(
        _flavor_values(migration['new_flavor']),
        host=migration['dest_compute'], node=migration['dest_node'],
        vm_state=vm_states.RESIZED, task_state=None,
        power_state=values.get('power_state', power_state.NOSTATE),
        system_metadata=system_metadata),
        expected_task_state=task_states.RESIZE_FINISH)


def _stable_state(power):
    return (vm_states.ACTIVE if power == power_state.RUNNING
            else vm_states.STOPPED)


def _confirmed(instance_uuid, migration_id, values):
    moves.finish(migration_id, 'confirmed', ('confirming',))
    # The destination reported the guest's power state when it finished.
    power = values.get('power_state',
                       db_instances.get(instance_uuid)['power_state'])
    return db_instances.update(instance_uuid, {
        'vm_state': _stable_state(power), 'task_state': None,
        'power_state': power}, expected_vm_state=vm_states.RESIZED)


def _reverted(instance_uuid, migration_id, values):
    migration = moves.finish(migration_id, 'reverted', ('reverting',),
                             give_back='new')
    power = values.get('power_state', power_state.NOSTATE)
    instance = db_instances.get(instance_uuid)
    system_metadata = dict(instance['system_metadata'] or {})
    system_metadata.pop('old_vm_state', None)
    return db_instances.update(instance_uuid, dict(
        _flavor_values(migration['old_flavor']),
        host=migration['source_compute'], node=migration['source_node'],
        vm_state=_stable_state(power), task_state=None, power_state=power,
        system_metadata=system_metadata),
        expected_task_state=task_states.RESIZE_REVERTING)


def _failed(instance_uuid, migration_id, values):
    """A compute step failed: as Nova, the instance goes to ERROR with a
    fault and the migration to ``error``, giving back the claim it holds."""
    migration = moves.get(migration_id)
    if migration['status'] not in ('error', 'confirmed', 'reverted'):
        moves.finish(migration_id, 'error', (migration['status'],))
    db_instances.fault_create(instance_uuid, 500, values['message'],
                              values.get('details'), values.get('host'))
    return db_instances.update(instance_uuid, {
        'vm_state': vm_states.ERROR, 'task_state': None,
        'power_state': values.get('power_state', power_state.NOSTATE)})


STEPS = {
    'migrating': _progress('migrating', ('pre-migrating',),
                           task_states.RESIZE_MIGRATING,
                           task_states.RESIZE_PREP),
    'post-migrating': _progress('post-migrating', ('migrating',),
                                task_states.RESIZE_MIGRATED,
                                task_states.RESIZE_MIGRATING),
    'finishing': lambda uuid, mid, values: db_instances.update(
        uuid, {'task_state': task_states.RESIZE_FINISH},
        expected_task_state=task_states.RESIZE_MIGRATED),
    'finished': _finished,
    'confirmed': _confirmed,
    'reverted': _reverted,
    'failed': _failed,
}


# --- automatic confirmation ------------------------------------------------

def confirm_old_resizes(context, conf, compute_rpcapi):
    """Confirm the resizes finished more than ``resize_confirm_window``
    seconds ago, as Nova's ``_poll_unconfirmed_resizes``."""
    window = conf.resize_confirm_window
    if not window:
        return 0
    cutoff = utcnow() - datetime.timedelta(seconds=window)
    confirmed = 0
    for migration in moves.get_finished_before(cutoff):
        try:
            instance = db_instances.get(migration['instance_uuid'])
            if (instance['vm_state'] != vm_states.RESIZED or
                    instance['task_state'] is not None):
                continue
            start_confirm(context, instance, migration, compute_rpcapi)
        except (exception.InstanceNotFound,
                exception.MigrationStatusConflict) as exc:
            LOG.info('Not confirming migration %s: %s', migration['id'], exc)
            continue
        confirmed += 1
    return confirmed


def start_confirm(context, instance, migration, compute_rpcapi):
    """Mark the migration ``confirming``, record the action and cast the
    confirmation to the source host (shared by the API and the periodic
    confirmation).

    :raises: MigrationStatusConflict if it is no longer ``finished``.
    """
    with db_session.transaction():
        migration = moves.set_status(migration['id'], 'confirming',
                                     expected=('finished',))
        db_actions.start(instance['uuid'], 'confirmResize',
                         context.request_id, context.user_id,
                         context.project_id)
    compute_rpcapi.confirm_resize(context, instance, migration)
