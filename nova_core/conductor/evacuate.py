"""Evacuation: rebuild a server of a dead host on another one.

The API has checked that the server's compute service is down, set
``task_state=rebuilding`` and recorded the action ``evacuate``. Here the
conductor records a migration of type ``evacuation`` (``accepted``),
chooses the destination (the named host as is when forced, as Nova;
otherwise the scheduler's filters among the other hosts, only the named one
if any), claims the flavor there and, in the same transaction, moves the
instance's record to it and gives back its claim on the dead host. The
destination then rebuilds the guest from the image and reports ``done``
(or ``failed``). When the old host's compute starts again it destroys the
guests that were evacuated away and reports each migration ``completed``
(Nova's ``_destroy_evacuated_instances``).
"""
import logging

from nova_core import exception, network
from nova_core.compute import power_state, task_states, vm_states
from nova_core.conductor import resize, unplaced
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error

LOG = logging.getLogger(__name__)

EVENT = 'conductor_rebuild_server'


def evacuate_instance(context, conf, compute_rpcapi, instance, host, force,
                      image_meta, admin_password=None, target_state=None):
    """Place the instance of a dead host on another one and cast its
    rebuild there. With no host to go to, the instance keeps its state
    with no task and a fault, and the migration is ``error``."""
    uuid = instance['uuid']
    started = utcnow()
    migration = moves.create({
        'instance_uuid': uuid, 'source_compute': instance['host'],
        'source_node': instance['node'], 'old_flavor': instance['flavor'],
        'new_flavor': instance['flavor'], 'user_id': instance['user_id'],
        'project_id': instance['project_id'],
        'migration_type': 'evacuation', 'status': 'accepted'})
    try:
        if host is not None and force:
            migration = _claim_forced(instance, migration, host)
        else:
            migration = _claim_scheduled(conf, instance, migration, host)
    except exception.NoValidHost as exc:
        unplaced.record(context, instance['uuid'], exc, what='Evacuation',
                        event=EVENT, task_state=task_states.REBUILDING,
                        started=started, host=conf.host, migration=migration)
        return
    try:
        instance = _move_record(migration)
    except (exception.InstanceNotFound,
            exception.InstanceTaskStateConflict) as exc:
        LOG.info('Not evacuating %s: %s', uuid, exc)
        moves.finish(migration['id'], 'error', ('accepted',),
                     give_back='new')
        return
    # What the destination plugs the new guest into, as for a build.
    if network.requests_of(instance):
        instance['network_info'] = network.vifs(
            db_fixed_ips.get_by_instances([uuid]).get(uuid),
            network.networks(conf))
    db_actions.event_finish(uuid, context.request_id, EVENT, 'Success',
                            start_time=started, host=conf.host)
    compute_rpcapi.evacuate_instance(context, instance, migration,
                                     image_meta, admin_password,
                                     target_state)


def _claim_forced(instance, migration, host):
    nodes = db_services.node_get_all(host=host)
    for node in nodes:
        claimed = moves.claim_destination(migration['id'], host,
                                          node['hypervisor_hostname'])
        if claimed is not None:
            return claimed
    raise exception.NoValidHost(reason='Host %s has no room for the '
                                       'instance.' % host)


def _claim_scheduled(conf, instance, migration, host):
    nodes = [n for n in db_services.nodes_for_scheduling()
             if n['host'] != instance['host'] and host in (None, n['host'])]
    if not nodes:
        raise exception.NoValidHost(
            reason='No compute host other than the instance\'s.'
            if host is None else 'Host %s cannot take the instance.' % host)
    flavor = instance['flavor']
    spec = {'vcpus': flavor['vcpus'], 'memory_mb': flavor['memory_mb'],
            'disk_gb': flavor['root_gb'] + flavor['ephemeral_gb'],
            'availability_zone': instance['availability_zone'],
            'instance_uuid': instance['uuid']}
    return resize.claim(conf, migration, spec, nodes)


@retry_on_db_error
def _move_record(migration):
    """The instance now lives on the destination (the claim there is its
    own); its claim on the dead host is given back."""
    with db_session.transaction():
        moves.release(migration, give_back='old')
        return db_instances.update(migration['instance_uuid'], {
            'host': migration['dest_compute'],
            'node': migration['dest_node']},
            expected_task_state=task_states.REBUILDING)


# --- steps reported by the compute services --------------------------------

def _done(uuid, migration_id, values):
    moves.set_status(migration_id, 'done',
                     expected=('accepted', 'pre-migrating'))
    return db_instances.update(uuid, {
        'vm_state': values['vm_state'], 'task_state': None,
        'power_state': values.get('power_state', power_state.NOSTATE),
        'launched_at': utcnow()},
        expected_task_state=task_states.REBUILDING)


def _failed(uuid, migration_id, values):
    moves.set_status(migration_id, 'failed',
                     expected=('accepted', 'pre-migrating'))
    db_instances.fault_create(uuid, 500, values['message'],
                              values.get('details'), values.get('host'))
    return db_instances.update(uuid, {
        'vm_state': vm_states.ERROR, 'task_state': None,
        'power_state': values.get('power_state', power_state.NOSTATE)})


def _completed(uuid, migration_id, values):
    """The old host destroyed its guest (the instance may be gone)."""
    moves.set_status(migration_id, 'completed', expected=moves.EVACUATED)


STEPS = {
    'done': _done,
    'failed': _failed,
    'completed': _completed,
}


def evacuated_from(host, instance_uuids):
    """The evacuations of ``instance_uuids`` away from ``host`` whose
    guests ``host`` is to destroy."""
    return moves.get_evacuated_from(host, instance_uuids)
