"""The compute service's RPC endpoint: drives the hypervisor driver.

It never touches the database: every state change goes to a conductor
through :class:`nova_core.conductor.rpcapi.ConductorAPI`. Operations on one
instance run one at a time (a lock per instance), so a delete that arrives
during a build waits for it and then removes what it made.
"""
import functools
import logging
import math
import traceback

import oslo_messaging as messaging

from nova_core import exception
from nova_core.compute import (
    consoles,
    evacuate,
    external_events,
    image_ops,
    interfaces,
    live_migrate,
    power_state,
    rescue,
    resize,
    shelve,
    task_states,
    vm_states,
)
from nova_core.utils import KeyedLocks, utcnow_iso

LOG = logging.getLogger(__name__)

RPC_API_VERSION = '1.4'
BUILD_EVENT = 'compute_build_and_run_instance'
#: Build failures that no other host would avoid (the request or its image
#: is at fault, or the instance is gone): ERROR at once, as Nova's
#: BuildAbortException. Any other failure re-schedules the build.
BUILD_ABORT = (exception.Invalid, exception.NotFound)


def instance_event(name):
    """Record ``name`` as an event of the instance's current action."""
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(self, context, instance, **kwargs):
            uuid = instance['uuid']
            self.conductor.action_event_start(context, uuid, name, self.host)
            try:
                result = fn(self, context, instance, **kwargs)
            except Exception:
                self.conductor.action_event_finish(
                    context, uuid, name, 'Error', traceback.format_exc())
                raise
            self.conductor.action_event_finish(context, uuid, name,
                                               'Success')
            return result
        return wrapper
    return decorator


def serialized(fn):
    """Run one operation at a time per instance."""
    @functools.wraps(fn)
    def wrapper(self, context, instance, **kwargs):
        with self.instance_locks(instance['uuid']):
            return fn(self, context, instance, **kwargs)
    return wrapper


class ComputeManager:
    """Does what :class:`nova_core.compute.rpcapi.ComputeAPI` asks."""

    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, conf, driver, conductor):
        self.conf = conf
        self.host = conf.host
        self.driver = driver
        self.conductor = conductor
        self.instance_locks = KeyedLocks()

    # --- resources -------------------------------------------------------

    def resources(self):
        """The driver's view of the host plus this node's reservations."""
        res = dict(self.driver.get_available_resource())
        res.update(
            reserved_vcpus=self.conf.reserved_host_cpus,
            reserved_memory_mb=self.conf.reserved_host_memory_mb,
            reserved_disk_gb=math.ceil(self.conf.reserved_host_disk_mb /
                                       1024),
            cpu_allocation_ratio=self.conf.cpu_allocation_ratio,
            ram_allocation_ratio=self.conf.ram_allocation_ratio,
            disk_allocation_ratio=self.conf.disk_allocation_ratio,
            # Reported with the resources, so that a conductor choosing a
            # host never has to ask a host that may be dead.
            capabilities=dict(self.driver.capabilities))
        return res

    def update_available_resource(self, context):
        self.conductor.compute_node_update(context, self.host,
                                           self.resources())

    # --- state changes through the conductor -----------------------------

    def _update(self, context, instance, expected_task_state=(), event=None,
                **values):
        return self.conductor.instance_update(
            context, instance['uuid'], values,
            expected_task_state=expected_task_state, event=event)

    def _fail_action(self, context, instance, exc, **values):
        """Record ``exc`` as a fault and settle the instance's states."""
        LOG.error('Instance %s: %s failed: %s', instance['uuid'],
                  instance.get('task_state'), exc)
        message = (exc.format_message() if isinstance(
            exc, exception.NovaCoreException) else str(exc)) or repr(exc)
        self.conductor.instance_fault_create(
            context, instance['uuid'], getattr(exc, 'code', 500), message,
            traceback.format_exc(), self.host)
        try:
            self._update(context, instance, task_state=None,
                         power_state=self.driver.instance_power_state(
                             instance), **values)
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict):
            pass

    # --- building and deleting -------------------------------------------

    @serialized
    def build_and_run_instance(self, context, instance, image_meta,
                               admin_password=None):
        """Spawn the guest; the build event travels with the state changes
        (spawning, then active or failed), one conductor call each."""
        event = {'name': BUILD_EVENT, 'host': self.host}
        try:
            # Only while the build is placed here: a build re-scheduled to
            # another host may have left its old message in this queue.
            instance = self.conductor.instance_build_started(
                context, instance['uuid'], self.host,
                dict(event, phase='start'))
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict) as exc:
            LOG.info('Not building instance %s: %s', instance['uuid'], exc)
            return
        try:
            self.driver.spawn(context, instance, image_meta,
                              admin_password=admin_password)
        except Exception as exc:  # noqa: BLE001 - any failure fails the build
            self._build_failed(context, instance, exc, event)
            return
        finished = dict(event, phase='finish', result='Success')
        try:
            self._update(context, instance, vm_state=vm_states.ACTIVE,
                         task_state=None, power_state=power_state.RUNNING,
                         launched_at=utcnow_iso(),
                         expected_task_state=task_states.SPAWNING,
                         event=finished)
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict):
            # Deleted while spawning: the delete, queued behind this build
            # on the instance lock, removes the guest (or removed the row).
            LOG.info('Instance %s was deleted while spawning',
                     instance['uuid'])

    def _build_failed(self, context, instance, exc, event):
        """Clean up; then the build goes back to a conductor to try another
        host, unless it would fail anywhere (BUILD_ABORT): then ERROR."""
        LOG.exception('Build of instance %s failed', instance['uuid'])
        details = traceback.format_exc()
        try:
            self.driver.destroy(context, instance)
        except Exception:  # noqa: BLE001 - report the first error
            LOG.exception('Cleaning up instance %s failed', instance['uuid'])
        message = (exc.format_message() if isinstance(
            exc, exception.NovaCoreException) else
            'Build of instance %s aborted: %s' % (instance['uuid'], exc))
        finished = dict(event, phase='finish', result='Error',
                        traceback=details)
        try:
            if isinstance(exc, BUILD_ABORT):
                self.conductor.instance_build_failed(
                    context, instance['uuid'], message, details, self.host,
                    event=finished)
            else:
                self.conductor.reschedule_build(
                    context, instance['uuid'], self.host, message,
                    event=finished)
        except exception.InstanceNotFound:
            pass

    @serialized
    @instance_event('compute_terminate_instance')
    def terminate_instance(self, context, instance):
        self.driver.destroy(context, instance)
        try:
            self.conductor.instance_destroy(context, instance['uuid'])
        except exception.InstanceNotFound:
            LOG.info('Instance %s was already deleted', instance['uuid'])

    # --- power operations ------------------------------------------------

    def _power_action(self, context, instance, work, expected,
                      off_if_missing=False, **values):
        """Run ``work`` (a driver call) and record the outcome.

        A guest missing on the hypervisor fails the action and puts the
        server in ERROR with a fault saying so (a hard reboot recreates
        the guest), except for actions whose end is a guest that is off
        (``off_if_missing``): for them a missing guest is off already.
        """
        try:
            work()
        except exception.InstanceNotFound as exc:
            if not off_if_missing:
                missing = exception.VirtDriverError(
                    reason='the guest of instance %s is missing on host %s; '
                           'a hard reboot recreates it' % (instance['uuid'],
                                                           self.host))
                self._fail_action(context, instance, missing,
                                  expected_task_state=expected,
                                  vm_state=vm_states.ERROR)
                raise missing from exc
            LOG.info('Instance %s has no guest: it is off', instance['uuid'])
        except Exception as exc:  # noqa: BLE001 - any failure is a fault
            self._fail_action(context, instance, exc,
                              expected_task_state=expected)
            raise
        try:
            self._update(context, instance, task_state=None,
                         power_state=self.driver.instance_power_state(
                             instance),
                         expected_task_state=expected, **values)
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict) as exc:
            LOG.info('Instance %s changed meanwhile: %s', instance['uuid'],
                     exc)

    @serialized
    @instance_event('compute_reboot_instance')
    def reboot_instance(self, context, instance, reboot_type):
        expected = ((task_states.REBOOTING_HARD,) if reboot_type == 'HARD'
                    else (task_states.REBOOTING,))
        self._power_action(
            context, instance,
            lambda: self.driver.reboot(context, instance, reboot_type),
            expected, vm_state=vm_states.ACTIVE)

    @serialized
    @instance_event('compute_stop_instance')
    def stop_instance(self, context, instance, clean_shutdown=True):
        timeout = (self.conf.compute.graceful_shutdown_timeout
                   if clean_shutdown else 0)
        self._power_action(
            context, instance,
            lambda: self.driver.power_off(instance, timeout=timeout,
                                          retry_interval=1),
            task_states.POWERING_OFF, off_if_missing=True,
            vm_state=vm_states.STOPPED)

    @serialized
    @instance_event('compute_start_instance')
    def start_instance(self, context, instance):
        self._power_action(
            context, instance,
            lambda: self.driver.power_on(context, instance),
            task_states.POWERING_ON, vm_state=vm_states.ACTIVE)

    @serialized
    @instance_event('compute_pause_instance')
    def pause_instance(self, context, instance):
        self._power_action(context, instance,
                           lambda: self.driver.pause(instance),
                           task_states.PAUSING, vm_state=vm_states.PAUSED)

    @serialized
    @instance_event('compute_unpause_instance')
    def unpause_instance(self, context, instance):
        self._power_action(context, instance,
                           lambda: self.driver.unpause(instance),
                           task_states.UNPAUSING, vm_state=vm_states.ACTIVE)

    @serialized
    @instance_event('compute_suspend_instance')
    def suspend_instance(self, context, instance):
        self._power_action(context, instance,
                           lambda: self.driver.suspend(context, instance),
                           task_states.SUSPENDING,
                           vm_state=vm_states.SUSPENDED)

    @serialized
    @instance_event('compute_resume_instance')
    def resume_instance(self, context, instance):
        self._power_action(context, instance,
                           lambda: self.driver.resume(context, instance),
                           task_states.RESUMING, vm_state=vm_states.ACTIVE)

    @serialized
    @instance_event('compute_soft_delete_instance')
    def soft_delete_instance(self, context, instance):
        """Power the guest off and keep it: a soft delete (Nova falls back
        to ``power_off`` where a driver has no soft delete of its own)."""
        self._power_action(context, instance,
                           lambda: self.driver.power_off(instance),
                           task_states.SOFT_DELETING, off_if_missing=True,
                           vm_state=vm_states.SOFT_DELETED)

    @serialized
    @instance_event('compute_restore_instance')
    def restore_instance(self, context, instance):
        """Power a soft-deleted guest back on; it is no longer deleted."""
        self._power_action(context, instance,
                           lambda: self.driver.power_on(context, instance),
                           task_states.RESTORING, vm_state=vm_states.ACTIVE,
                           deleted_at=None)

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.VirtDriverError)
    def get_console_output(self, context, instance, tail_length=None):
        output = self.driver.get_console_output(context, instance)
        if tail_length is not None:
            lines = output.splitlines()
            output = '\n'.join(lines[-tail_length:] if tail_length else [])
        return output

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.InstanceNotReady,
                                   exception.ConsoleTypeUnavailable,
                                   exception.ConsoleTypeInvalid,
                                   exception.ConsoleNotSupported,
                                   exception.VirtDriverError)
    def get_remote_console(self, context, instance, protocol, console_type):
        """Where the guest's console of ``protocol`` listens (see
        :mod:`nova_core.compute.consoles`)."""
        return consoles.connect_info(self.conf, self.driver, context,
                                     instance, protocol, console_type)

    # --- rebuild, resize, snapshot (see compute.image_ops, compute.resize) -

    @serialized
    @instance_event('compute_rebuild_instance')
    def rebuild_instance(self, context, instance, image_meta,
                         admin_password=None, preserve_ephemeral=False):
        image_ops.rebuild(self, context, instance, image_meta,
                          admin_password, preserve_ephemeral)

    @serialized
    @instance_event('compute_snapshot_instance')
    def snapshot_instance(self, context, instance, image_id):
        image_ops.snapshot(self, context, instance, image_id)

    def driver_capabilities(self, context, host):
        """What the driver of ``host`` (this one: the message is routed
        by it) can do, e.g. move disks to another host."""
        return dict(self.driver.capabilities, host=self.host)

    def get_instance_diagnostics(self, context, instance):
        """The guest's standard diagnostics (see the driver's)."""
        return self.driver.get_instance_diagnostics(instance)

    def get_host_uptime(self, context, host):
        """This host's uptime, as ``uptime`` prints it (None where the
        driver cannot tell); ``host`` routed the message here."""
        try:
            return self.driver.get_host_uptime()
        except NotImplementedError:
            return None

    @serialized
    @instance_event('compute_resize_instance')
    def resize_instance(self, context, instance, migration, image_meta):
        resize.resize_instance(self, context, instance, migration, image_meta)

    @serialized
    @instance_event('compute_finish_resize')
    def finish_resize(self, context, instance, migration, disk_info,
                      image_meta):
        resize.finish_resize(self, context, instance, migration, disk_info,
                             image_meta)

    @serialized
    @instance_event('compute_confirm_resize')
    def confirm_resize(self, context, instance, migration):
        resize.confirm_resize(self, context, instance, migration)

    @serialized
    @instance_event('compute_revert_resize')
    def revert_resize(self, context, instance, migration):
        resize.revert_resize(self, context, instance, migration)

    @serialized
    @instance_event('compute_finish_revert_resize')
    def finish_revert_resize(self, context, instance, migration):
        resize.finish_revert_resize(self, context, instance, migration)

    # --- other services' news --------------------------------------------

    def external_instance_event(self, context, instances, events, host):
        """Events the API accepted for instances on ``host`` (this one;
        a message for another host is dropped)."""
        if host != self.host:
            LOG.warning('Events for host %s reached host %s: dropped',
                        host, self.host)
            return
        external_events.handle(self, context, instances, events)

    @serialized
    @instance_event('compute_power_update')
    def power_update(self, context, instance, target_power_state):
        """A power-update event (2.76): see
        :func:`nova_core.compute.external_events.power_update`."""
        external_events.power_update(self, context, instance,
                                     target_power_state)
    # --- backup, shelve, rescue, password, crash dump (compute.image_ops,
    # compute.shelve, compute.rescue) ---------------------------------------

    @serialized
    @instance_event('compute_backup_instance')
    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        image_ops.backup(self, context, instance, image_id, backup_type,
                         rotation)

    @serialized
    @instance_event('compute_shelve_instance')
    def shelve_instance(self, context, instance, image_id,
                        clean_shutdown=True):
        shelve.shelve(self, context, instance, image_id, clean_shutdown)

    @serialized
    @instance_event('compute_shelve_offload_instance')
    def shelve_offload_instance(self, context, instance,
                                clean_shutdown=True):
        shelve.shelve_offload(self, context, instance, clean_shutdown)

    @serialized
    @instance_event('compute_unshelve_instance')
    def unshelve_instance(self, context, instance, image_meta):
        shelve.unshelve(self, context, instance, image_meta)

    def poll_shelved_instances(self, context):
        """Periodic: offload what was shelved long enough ago."""
        return shelve.poll_shelved(self, context)

    @serialized
    @instance_event('compute_rescue_instance')
    def rescue_instance(self, context, instance, rescue_image_meta,
                        rescue_password):
        rescue.rescue(self, context, instance, rescue_image_meta,
                      rescue_password)

    @serialized
    @instance_event('compute_unrescue_instance')
    def unrescue_instance(self, context, instance):
        rescue.unrescue(self, context, instance)

    @messaging.expected_exceptions(exception.InstanceAgentNotEnabled,
                                   exception.InstancePasswordSetFailed,
                                   exception.SetAdminPasswdNotImplemented)
    @serialized
    @instance_event('compute_set_admin_password')
    def set_admin_password(self, context, instance, new_pass):
        rescue.set_admin_password(self, context, instance, new_pass)

    @serialized
    @instance_event('compute_trigger_crash_dump')
    def trigger_crash_dump(self, context, instance):
        rescue.trigger_crash_dump(self, context, instance)

    # --- interfaces (see compute.interfaces) --------------------------------

    @messaging.expected_exceptions(exception.AttachInterfaceNotSupported,
                                   exception.InstanceNotFound,
                                   exception.NetworkNotFound,
                                   exception.FixedIpNotFoundForNetwork,
                                   exception.FixedIpAlreadyInUse,
                                   exception.NoMoreFixedIps,
                                   exception.InterfaceAttachFailed)
    @serialized
    @instance_event('compute_attach_interface')
    def attach_interface(self, context, instance, network_name,
                         fixed_ip=None, tag=None):
        return interfaces.attach(self, context, instance, network_name,
                                 fixed_ip, tag)

    @serialized
    @instance_event('compute_detach_interface')
    def detach_interface(self, context, instance, vif):
        interfaces.detach(self, context, instance, vif)

    # --- the hypervisor's own news ----------------------------------------

    def handle_lifecycle_event(self, context, event):
        """A guest changed power state behind our back: record it.

        A guest that stopped while its instance was active with no task
        in flight is recorded as stopped, as Nova's power-state sync does.
        Events about an instance this service is working on are its own
        doing: the operation records the state when it ends.
        """
        if self.instance_locks.held(event.instance_uuid):
            return
        values = {'power_state': event.power_state}
        try:
            instance = self.conductor.instance_update(
                context, event.instance_uuid, values,
                expected_task_state=None)
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict):
            return  # a task is under way; it records the state itself
        if (instance['vm_state'] == vm_states.ACTIVE and
                event.power_state in (power_state.SHUTDOWN,
                                      power_state.CRASHED)):
            try:
                self.conductor.instance_update(
                    context, event.instance_uuid,
                    {'vm_state': vm_states.STOPPED},
                    expected_task_state=None)
            except (exception.InstanceNotFound,
                    exception.InstanceTaskStateConflict):
                pass

    # --- live migration and evacuation (compute.live_migrate, evacuate) ---

    @serialized
    @instance_event('compute_live_migration')
    def live_migration(self, context, instance, migration):
        live_migrate.live_migration(self, context, instance, migration)

    @messaging.expected_exceptions(exception.InstanceExists,
                                   exception.VirtDriverError,
                                   NotImplementedError)
    @serialized
    @instance_event('compute_pre_live_migration')
    def pre_live_migration(self, context, instance, migration):
        return live_migrate.pre_live_migration(self, context, instance,
                                               migration)

    @serialized
    @instance_event('compute_post_live_migration_at_destination')
    def post_live_migration_at_destination(self, context, instance,
                                           migration, migrate_data):
        live_migrate.post_live_migration_at_destination(
            self, context, instance, migration, migrate_data)

    @instance_event('compute_live_migration_force_complete')
    def live_migration_force_complete(self, context, instance, migration):
        self.driver.live_migration_force_complete(instance)

    @instance_event('compute_live_migration_abort')
    def live_migration_abort(self, context, instance, migration):
        self.driver.live_migration_abort(instance)

    @serialized
    @instance_event('compute_rebuild_instance')
    def evacuate_instance(self, context, instance, migration, image_meta,
                          admin_password=None, target_state=None):
        evacuate.evacuate(self, context, instance, migration, image_meta,
                          admin_password, target_state)
