"""The conductor's RPC endpoint: database work for compute nodes, building."""
import datetime
import logging

import oslo_messaging as messaging

from nova_core import exception, network
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.compute import task_states, vm_states
from nova_core.conductor import (
    build,
    deadlines,
    evacuate,
    live_migrate,
    resize,
    shelve,
    usage_audit,
)
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error

LOG = logging.getLogger(__name__)

RPC_API_VERSION = '1.4'


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

    def instance_usage_audit(self, context, host):
        return usage_audit.audit_host(self.conf, host)

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
    @retry_on_db_error
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
    @retry_on_db_error
    def instance_build_failed(self, context, instance_uuid, message, details,
                              host, event=None):
        """Give back the claim and the addresses, record the fault, put the
        instance in ERROR."""
        with db_session.transaction():
            db_instances.fault_create(instance_uuid, 500, message, details,
                                      host)
            instance = db_instances.release_claim(instance_uuid, {
                'vm_state': vm_states.ERROR, 'task_state': None})
            db_fixed_ips.release(instance_uuid)
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

    def migrate_server(self, context, instance, flavor, image_meta,
                       migration_type='resize', host=None):
        resize.migrate_server(context, self.conf, self.compute_rpcapi,
                              instance, flavor, image_meta,
                              migration_type=migration_type, host=host)

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

    def resolve_overdue_tasks(self, context):
        """Resolve the tasks past their deadline (see conductor.deadlines)."""
        return deadlines.resolve_overdue(context, self.conf,
                                         self.compute_rpcapi)

    # --- service lifecycle (appended) --------------------------------------

    def service_stopped(self, context, host, binary):
        """A service stopping on purpose: down at once, so that nothing
        more is scheduled to it; it is up again when it registers."""
        db_services.mark_stopped(host, binary)

    def instance_get_deleted(self, context, instance_uuids):
        """Those of ``instance_uuids`` that are deleted: guests a compute
        still runs for them are to be reaped."""
        if not instance_uuids:
            return []
        return [i for i in db_instances.get_all(
            {'uuids': list(instance_uuids), 'deleted': True},
            sort_keys=('id',), sort_dirs=('asc',)) if i['deleted']]

    # --- asked by the API ------------------------------------------------

    @messaging.expected_exceptions(exception.MigrationNotFound,
                                   exception.MigrationStatusConflict)
    def confirm_resize(self, context, instance, migration):
        """A user's confirmResize: the API hands it here rather than run
        conductor code in its own process."""
        resize.start_confirm(context, instance, migration,
                             self.compute_rpcapi)

    # --- build retries (see conductor.build) -----------------------------

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceTaskStateConflict)
    @retry_on_db_error
    def instance_build_started(self, context, instance_uuid, host, event):
        with db_session.transaction():
            instance = db_instances.start_build(instance_uuid, host)
            self._record_event(context, instance_uuid, event)
        instance['network_info'] = self._network_info(instance)
        return instance

    def _network_info(self, instance):
        """What the host plugs the guest into (see network.vifs). An
        instance that asked for no network holds no address (only
        :func:`nova_core.db.fixed_ips.allocate` gives them, for its
        requests): it is not looked up."""
        return db_fixed_ips.network_info(instance,
                                         network.networks(self.conf))

    def reschedule_build(self, context, instance_uuid, host, reason,
                         restarted=False, event=None):
        """A build failed on ``host`` for a reason another host may not
        have, or ``host`` ``restarted`` before spawning it (then ``host``
        stays eligible). Returns whether it was scheduled again."""
        if event is not None:
            self._record_event(context, instance_uuid, event)
        if restarted:
            expected, exclude = (task_states.SCHEDULING,
                                 task_states.SPAWNING, None), False
        else:
            expected, exclude = (task_states.SPAWNING,), True
        return build.reschedule(
            context, self.conf, self.compute_rpcapi, instance_uuid, host,
            reason, expected, exclude=exclude) is not None

    def reschedule_builds_on_down_hosts(self, context):
        """Periodic: builds handed to a host that went down are scheduled
        again (see :func:`nova_core.conductor.build.
        reschedule_builds_on_down_hosts`)."""
        return build.reschedule_builds_on_down_hosts(
            context, self.conf, self.compute_rpcapi)

    # --- shelving and backups (see conductor.shelve) ---------------------

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceTaskStateConflict)
    def shelve_step(self, context, instance_uuid, step, values=None):
        return shelve.step(context, instance_uuid, step, values)

    def unshelve_instance(self, context, instance, request_spec):
        shelve.unshelve_instance(context, self.conf, self.compute_rpcapi,
                                 instance, request_spec)

    def instance_backups(self, context, instance_uuid, backup_type):
        return shelve.backups(instance_uuid, backup_type)

    # --- interfaces attached and detached (1.4) ---------------------------

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.NetworkNotFound,
                                   exception.FixedIpNotFoundForNetwork,
                                   exception.FixedIpAlreadyInUse,
                                   exception.NoMoreFixedIps)
    def interface_allocate(self, context, instance_uuid, network_name,
                           fixed_ip=None, tag=None):
        """One more address (and MAC) for the instance on network
        ``network_name``, ``fixed_ip`` if given: the port of an interface
        being attached. Returns its vif (see :func:`network.vif`)."""
        net = network.networks(self.conf).get(network_name)
        if net is None:
            raise exception.NetworkNotFound(network_id=network_name)
        if fixed_ip is not None and not net.contains(fixed_ip):
            raise exception.FixedIpNotFoundForNetwork(
                address=fixed_ip, network_uuid=net.uuid)
        return network.vif(db_fixed_ips.allocate_port(
            instance_uuid, net, fixed_ip, tag), net)

    @messaging.expected_exceptions(exception.PortNotFound)
    def interface_release(self, context, instance_uuid, port_id):
        """Give back the address of a detached interface (or of one whose
        attach failed)."""
        db_fixed_ips.release_port(instance_uuid, port_id)

    # --- live migration and evacuation (1.4) -----------------------------

    @messaging.expected_exceptions(*live_migrate.PRECHECK_ERRORS)
    def live_migrate_instance(self, context, instance, host, force,
                              async_):
        """Asked by the API (a call before 2.34, a cast from 2.34): see
        :mod:`nova_core.conductor.live_migrate`."""
        migration = live_migrate.live_migrate_instance(
            context, self.conf, self.compute_rpcapi, instance, host, force,
            async_)
        return None if migration is None else migration['id']

    def evacuate_instance(self, context, instance, host, force, image_meta,
                          admin_password=None, target_state=None):
        """Asked by the API: see :mod:`nova_core.conductor.evacuate`."""
        evacuate.evacuate_instance(
            context, self.conf, self.compute_rpcapi, instance, host, force,
            image_meta, admin_password=admin_password,
            target_state=target_state)

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceTaskStateConflict,
                                   exception.MigrationNotFound,
                                   exception.MigrationStatusConflict)
    @retry_on_db_error
    def move_step(self, context, instance_uuid, migration_id, step,
                  values=None):
        """A step of a live migration or an evacuation reported by one of
        its hosts (the migration's type picks the table of steps)."""
        with db_session.transaction():
            migration = moves.get(migration_id)
            steps = MOVE_STEPS[migration['migration_type']]
            return steps[step](instance_uuid, migration_id, values or {})

    def evacuated_instances(self, context, host, instance_uuids):
        """Of the guests ``host`` runs (``instance_uuids``), the
        evacuations away from it: what it destroys at start."""
        return evacuate.evacuated_from(host, instance_uuids)


#: migration_type -> step -> what records it.
MOVE_STEPS = {'live-migration': live_migrate.STEPS,
              'evacuation': evacuate.STEPS}
