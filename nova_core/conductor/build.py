"""Building an instance: choose a host, claim it atomically, hand it over."""
import logging

from nova_core import exception
from nova_core.compute import vm_states
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.scheduler import group_policy, host_selection

LOG = logging.getLogger(__name__)

EVENT = 'conductor_schedule_and_build_instances'


def schedule_and_build(context, conf, compute_rpcapi, instance, image_meta,
                       request_spec):
    """Place ``instance`` and cast its build to the chosen compute host.

    Instances that cannot be placed go to ERROR with a fault the API shows.
    """
    uuid = instance['uuid']
    started = utcnow()
    spec = dict(request_spec, vcpus=instance['vcpus'],
                memory_mb=instance['memory_mb'],
                disk_gb=instance['root_gb'] + instance['ephemeral_gb'],
                instance_uuid=uuid)
    try:
        with db_session.transaction():
            # The server group is read and locked in the claim's
            # transaction: its policy holds against concurrent builds.
            spec = group_policy.with_group(spec, lock=True)
            node = _claim_first_fitting(uuid, spec, conf)
            # Scheduling takes milliseconds: the event is written whole,
            # with the claim.
            db_actions.event_finish(uuid, context.request_id, EVENT,
                                    'Success', start_time=started,
                                    host=conf.host)
    except exception.InstanceNotFound:
        LOG.info('Instance %s was deleted before it was scheduled', uuid)
        return
    except exception.NoValidHost as exc:
        _fail(context, uuid, exc, started, conf.host)
        return
    instance = dict(instance, host=node['host'],
                    node=node['hypervisor_hostname'])
    compute_rpcapi.build_and_run_instance(context, instance, image_meta)


def _claim_first_fitting(uuid, spec, conf):
    for node in host_selection.select_hosts(spec, conf):
        zone = (node['service'].get('availability_zone') or
                conf.default_availability_zone)
        if db_instances.claim(uuid, node['id'], node['host'],
                              node['hypervisor_hostname'], zone):
            LOG.debug('Instance %s claimed on %s', uuid, node['host'])
            return node
        LOG.info('Node %s filled up meanwhile; trying the next',
                 node['host'])
    raise exception.NoValidHost(reason='There are not enough hosts '
                                       'available.')


def _fail(context, uuid, exc, started, host):
    LOG.warning('Instance %s: %s', uuid, exc.format_message())
    db_instances.fault_create(uuid, 500, exc.format_message())
    try:
        db_instances.update(uuid, {'vm_state': vm_states.ERROR,
                                   'task_state': None})
    except exception.InstanceNotFound:
        return
    db_actions.event_finish(uuid, context.request_id, EVENT, 'Error',
                            details=exc.format_message(), start_time=started,
                            host=host)
