"""Shelving in the conductor: the steps the compute host reports, and the
placement of an offloaded server that is unshelved (as Nova's conductor
``unshelve_instance``).

A shelved server keeps in its system metadata ``shelved_at``,
``shelved_image_id`` and ``shelved_host``, as Nova's. Offloading gives
back the claim and clears host and node in one transaction; unshelving an
offloaded server schedules and claims a host as a build does, then casts
``unshelve_instance`` to it with the shelve image.
"""
import logging

from nova_core import exception, network
from nova_core.compute import power_state, task_states, vm_states
from nova_core.conductor import build, unplaced
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import images as db_images
from nova_core.db import instances as db_instances
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error

LOG = logging.getLogger(__name__)

EVENT = 'conductor_unshelve_instance'
SHELVE_KEYS = ('shelved_at', 'shelved_image_id', 'shelved_host')


# --- steps reported by the compute host ------------------------------------

@retry_on_db_error
def step(context, instance_uuid, name, values=None):
    """Record step ``name`` of a shelve or unshelve.

    :raises: InstanceNotFound, InstanceTaskStateConflict.
    """
    with db_session.transaction():
        return STEPS[name](instance_uuid, values or {})


def _shelved(uuid, values):
    instance = db_instances.lock(uuid)
    metadata = dict(instance['system_metadata'] or {},
                    shelved_at=utcnow().isoformat(),
                    shelved_image_id=values['image_id'],
                    shelved_host=instance['host'])
    task = task_states.SHELVING_OFFLOADING if values['offload'] else None
    return db_instances.update(uuid, {
        'vm_state': vm_states.SHELVED, 'task_state': task,
        'power_state': values['power_state'],
        'system_metadata': metadata},
        expected_task_state=(task_states.SHELVING,
                             task_states.SHELVING_IMAGE_UPLOADING))


def _expect(instance, vm_state, task_state):
    if instance['task_state'] not in task_state or \
            instance['vm_state'] != vm_state:
        raise exception.InstanceTaskStateConflict(
            instance_uuid=instance['uuid'], actual=instance['task_state'],
            action='shelve step', expected=' or '.join(map(str, task_state)))


def _offloaded(uuid, values):
    """The guest is gone from its host: claim given back, host cleared."""
    _expect(db_instances.lock(uuid), vm_states.SHELVED,
            (task_states.SHELVING_OFFLOADING,))
    return db_instances.release_claim(uuid, {
        'vm_state': vm_states.SHELVED_OFFLOADED, 'task_state': None,
        'power_state': power_state.NOSTATE})


def _without_shelve_keys(instance):
    return {k: v for k, v in (instance['system_metadata'] or {}).items()
            if k not in SHELVE_KEYS}


def _unshelved(uuid, values):
    instance = db_instances.lock(uuid)
    _expect(instance, instance['vm_state'],
            (task_states.UNSHELVING, task_states.SPAWNING))
    if instance['vm_state'] not in (vm_states.SHELVED,
                                    vm_states.SHELVED_OFFLOADED):
        _expect(instance, vm_states.SHELVED, ())
    return db_instances.update(uuid, {
        'vm_state': vm_states.ACTIVE, 'task_state': None,
        'power_state': values['power_state'],
        'system_metadata': _without_shelve_keys(instance),
        'launched_at': utcnow()},
        expected_task_state=(task_states.UNSHELVING, task_states.SPAWNING))


def _unshelve_failed(uuid, values):
    """As Nova: the server stays shelved with a fault; an offloaded one
    gives back the claim of the host that failed."""
    instance = db_instances.lock(uuid)
    _expect(instance, instance['vm_state'],
            (task_states.UNSHELVING, task_states.SPAWNING))
    db_instances.fault_create(uuid, 500, values['message'],
                              values.get('details'), values.get('host'))
    state = {'task_state': None}
    if instance['vm_state'] == vm_states.SHELVED_OFFLOADED:
        return db_instances.release_claim(uuid, dict(
            state, power_state=power_state.NOSTATE))
    return db_instances.update(uuid, dict(
        state, power_state=values.get('power_state', power_state.NOSTATE)))


STEPS = {
    'shelved': _shelved,
    'offloaded': _offloaded,
    'unshelved': _unshelved,
    'unshelve_failed': _unshelve_failed,
}


# --- unshelve, asked by the API --------------------------------------------

def unshelve_instance(context, conf, compute_rpcapi, instance,
                      request_spec):
    """A SHELVED server is powered on where it is; a SHELVED_OFFLOADED one
    is scheduled (``request_spec``: ``availability_zone``,
    ``requested_host``) and claimed, then booted there from the shelve
    image. With no host it stays offloaded with a fault, as Nova's."""
    if instance['vm_state'] == vm_states.SHELVED:
        # (a guest its hypervisor lost meanwhile is made again, plugged in)
        instance['network_info'] = db_fixed_ips.network_info(
            instance, network.networks(conf))
        compute_rpcapi.unshelve_instance(context, instance, None)
        return
    uuid = instance['uuid']
    started = utcnow()
    try:
        image_meta = shelve_image_meta(instance)
    except exception.ImageNotFound:
        _not_unshelved(context, uuid, exception.NovaCoreException(
            'Unshelve attempted but the image %s cannot be found.' %
            (instance['system_metadata'] or {}).get('shelved_image_id')),
            started, conf.host)
        return
    spec = dict(request_spec, vcpus=instance['vcpus'],
                memory_mb=instance['memory_mb'],
                disk_gb=instance['root_gb'] + instance['ephemeral_gb'],
                instance_uuid=uuid, retry=None,
                extra_specs=(instance.get('flavor') or {}).get(
                    'extra_specs') or {},
                scheduler_hints=(instance['system_metadata'] or {}).get(
                    'scheduler_hints') or {})
    try:
        node = _place(context, conf, uuid, spec, started)
    except exception.NoValidHost as exc:
        _not_unshelved(context, uuid, exc, started, conf.host)
        return
    instance = db_instances.get(uuid)
    instance['network_info'] = db_fixed_ips.network_info(
        instance, network.networks(conf))
    LOG.info('Unshelving instance %s on %s', uuid, node['host'])
    compute_rpcapi.unshelve_instance(context, instance, image_meta)


@retry_on_db_error
def _place(context, conf, uuid, spec, started):
    with db_session.transaction():
        db_instances.update(uuid, {'availability_zone': spec.get(
            'availability_zone')}, expected_task_state=task_states.UNSHELVING,
            expected_vm_state=vm_states.SHELVED_OFFLOADED)
        node = build.claim_first_fitting(uuid, spec, conf)
        db_actions.event_finish(uuid, context.request_id, EVENT, 'Success',
                                start_time=started, host=conf.host)
    return node


def _not_unshelved(context, uuid, exc, started, host):
    """As Nova: the server stays offloaded, with a fault saying why."""
    unplaced.record(context, uuid, exc, what='Unshelve', event=EVENT,
                    task_state=task_states.UNSHELVING, started=started,
                    host=host)


def shelve_image_meta(instance):
    """The image an offloaded server boots from: its shelve image, as the
    compute host reads it.

    :raises: ImageNotFound.
    """
    image_id = (instance['system_metadata'] or {}).get('shelved_image_id')
    if not image_id:
        raise exception.ImageNotFound(image_id=None)
    return db_images.meta_for_compute(db_images.get(image_id))


def backups(instance_uuid, backup_type):
    """Ids of the instance's backup images of ``backup_type``, newest
    first (Nova's ``_rotate_backups`` lists them the same way)."""
    images = [i for i in db_images.get_all(sort_keys=('created_at', 'id'),
                                           sort_dirs=('desc', 'desc'))
              if (i['properties'] or {}).get('instance_uuid') ==
              instance_uuid and
              (i['properties'] or {}).get('image_type') == 'backup' and
              (i['properties'] or {}).get('backup_type') == backup_type]
    return [i['id'] for i in images]
