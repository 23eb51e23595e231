"""The conductor's RPC endpoint: database work for compute nodes, building."""
import datetime
import logging

import oslo_messaging as messaging

from nova_core import exception
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.compute import task_states, vm_states
from nova_core.conductor import build, resize
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow

LOG = logging.getLogger(__name__)

RPC_API_VERSION = '1.1'


class ConductorManager:
    """Does what :class:`nova_core.conductor.rpcapi.ConductorAPI` asks."""

    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, conf):
        self.conf = conf
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(conf)

    # --- services and compute nodes ------------------------------------

    def service_register(self, context, host, binary, topic,
                         availability_zone=None):
        return db_services.register(host, binary, topic, availability_zone)

    @messaging.expected_exceptions(exception.ServiceNotFound)
    def service_heartbeat(self, context, host, binary):
        db_services.heartbeat(host, binary)

    def compute_node_update(self, context, host, resources):
        return db_services.node_update(host, resources)

    # --- instances -------------------------------------------------------

    def instance_get_all_by_host(self, context, host):
        return db_instances.get_all({'host': host}, sort_keys=('id',),
                                    sort_dirs=('asc',))

    def instance_get_reclaimable(self, context, host, older_than):
        """Soft-deleted instances of ``host`` deleted ``older_than``
        seconds ago or more: what its reclaim task deletes for good."""
        cutoff = utcnow() - datetime.timedelta(seconds=older_than)
        return [i for i in db_instances.get_all(
            {'host': host, 'vm_states': [vm_states.SOFT_DELETED],
             'task_states': [None]}, sort_keys=('id',), sort_dirs=('asc',))
            if i['deleted_at'] is None or i['deleted_at'] <= cutoff]

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceTaskStateConflict)
    def instance_start_reclaim(self, context, instance_uuid):
        """Move a soft-deleted instance to ``deleting``, only if it still
        is soft-deleted with no task: a restore racing the reclaim wins or
        loses as a whole."""
        return db_instances.update(
            instance_uuid, {'task_state': task_states.DELETING},
            expected_task_state=None,
            expected_vm_state=vm_states.SOFT_DELETED)

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceTaskStateConflict)
    def instance_update(self, context, instance_uuid, values,
                        expected_task_state=(), event=None):
        for key in ('launched_at', 'terminated_at'):
            if isinstance(values.get(key), str):
                values[key] = datetime.datetime.fromisoformat(values[key])
        with db_session.transaction():
            instance = db_instances.update(
                instance_uuid, values,
                expected_task_state=expected_task_state)
            if event is not None:
                self._record_event(context, instance_uuid, event)
        return instance

    @staticmethod
    def _record_event(context, instance_uuid, event):
        if event['phase'] == 'start':
            db_actions.event_start(instance_uuid, context.request_id,
                                   event['name'], event.get('host'))
        else:
            db_actions.event_finish(instance_uuid, context.request_id,
                                    event['name'], event['result'],
                                    event.get('traceback'),
                                    host=event.get('host'))

    @messaging.expected_exceptions(exception.InstanceNotFound)
    def instance_destroy(self, context, instance_uuid):
        return db_instances.destroy(instance_uuid)

    @messaging.expected_exceptions(exception.InstanceNotFound)
    def instance_build_failed(self, context, instance_uuid, message, details,
                              host, event=None):
        """Give back the claim, record the fault, put the instance in ERROR."""
        with db_session.transaction():
            db_instances.fault_create(instance_uuid, 500, message, details,
                                      host)
            instance = db_instances.release_claim(instance_uuid, {
                'vm_state': vm_states.ERROR, 'task_state': None})
            if event is not None:
                self._record_event(context, instance_uuid, event)
        return instance

    def instance_fault_create(self, context, instance_uuid, code, message,
                              details, host):
        db_instances.fault_create(instance_uuid, code, message, details, host)

    def action_event_start(self, context, instance_uuid, event, host):
        db_actions.event_start(instance_uuid, context.request_id, event, host)

    def action_event_finish(self, context, instance_uuid, event, result,
                            traceback=None):
        db_actions.event_finish(instance_uuid, context.request_id, event,
                                result, traceback)

    # --- building --------------------------------------------------------

    def build_instances(self, context, instances, image_meta, request_spec):
        for instance in instances:
            build.schedule_and_build(context, self.conf, self.compute_rpcapi,
                                     instance, image_meta, request_spec)

    # --- resizing (see conductor.resize) ---------------------------------

    def migrate_server(self, context, instance, flavor, image_meta):
        resize.migrate_server(context, self.conf, self.compute_rpcapi,
                              instance, flavor, image_meta)

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceTaskStateConflict,
                                   exception.MigrationNotFound,
                                   exception.MigrationStatusConflict)
    def resize_step(self, context, instance_uuid, migration_id, step,
                    values=None):
        return resize.step(context, instance_uuid, migration_id, step,
                           values)

    def confirm_old_resizes(self, context):
        return resize.confirm_old_resizes(context, self.conf,
                                          self.compute_rpcapi)

    # --- periodic checks -------------------------------------------------

    def fail_stuck_builds(self, context):
        """Put in ERROR the builds older than ``instance_build_timeout``."""
        timeout = self.conf.instance_build_timeout
        if not timeout:
            return 0
        cutoff = utcnow() - datetime.timedelta(seconds=timeout)
        failed = 0
        for instance in db_instances.stuck_builds(cutoff):
            try:
                db_instances.update(instance['uuid'], {
                    'vm_state': vm_states.ERROR, 'task_state': None},
                    expected_task_state=instance['task_state'])
            except (exception.InstanceNotFound,
                    exception.InstanceTaskStateConflict):
                continue  # it moved on meanwhile
            db_instances.fault_create(
                instance['uuid'], 500, 'Build of instance %s timed out after '
                '%d seconds.' % (instance['uuid'], timeout),
                host=instance['host'])
            LOG.warning('Build of instance %s timed out', instance['uuid'])
            failed += 1
        return failed
