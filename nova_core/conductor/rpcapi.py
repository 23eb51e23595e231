"""Client side of the conductor RPC API: what other services import.

Every conductor listens on one topic (``[conductor] topic``), so calls are
spread over however many conductors run. Versions:

* 1.0 - Initial version.
* 1.1 - Soft delete's reclaim (instance_get_reclaimable,
  instance_start_reclaim) and resizes (migrate_server, resize_step).
* 1.2 - Build retries (instance_build_started, reschedule_build),
  service_stopped (a compute stopping on purpose is down at once),
  instance_get_deleted (guests of deleted servers are reaped) and
  confirm_resize (asked by the API).
* 1.3 - Shelving (shelve_step, unshelve_instance) and backups
  (instance_backups, for their rotation); cold migration (migrate_server
  takes ``migration_type`` and the requested ``host``);
  instance_usage_audit (a compute host's periodic audit).
* 1.4 - Interfaces attached and detached (interface_allocate,
  interface_release); live migration (live_migrate_instance) and
  evacuation (evacuate_instance), asked by the API; move_step (their
  steps) and evacuated_instances (what a host restarting destroys), asked
  by computes.
"""
import oslo_messaging as messaging

from nova_core import host_auth, rpc

RPC_API_VERSION = '1.4'
#: Seconds a stopping service waits for a conductor to mark it down.
STOP_TIMEOUT = 10


class ConductorAPI:
    """Calls a conductor; compute nodes reach the database only this way.

    Every call and cast is signed by ``signer`` (a
    :class:`nova_core.host_auth.Signer`; by default as a controller, which
    compute hosts cannot be: they pass ``Signer.for_compute(conf)``).
    ``retry``: attempts to reach the broker (None: forever); ``timeout``:
    seconds a call waits for its answer (None: ``rpc_response_timeout``).
    """

    def __init__(self, conf, signer=None, retry=None, timeout=None):
        target = messaging.Target(topic=conf.conductor.topic,
                                  version=RPC_API_VERSION)
        self.client = host_auth.SigningClient(
            rpc.get_client(target, version_cap=RPC_API_VERSION,
                           retry=retry),
            signer or host_auth.Signer.for_controller(conf))
        if timeout is not None:
            self.client = self.client.prepare(timeout=timeout)

    # --- services and compute nodes ------------------------------------

    def service_register(self, ctxt, host, binary, topic,
                         availability_zone=None):
        return self.client.call(ctxt, 'service_register', host=host,
                                binary=binary, topic=topic,
                                availability_zone=availability_zone)

    def service_heartbeat(self, ctxt, host, binary):
        return self.client.call(ctxt, 'service_heartbeat', host=host,
                                binary=binary)

    def compute_node_update(self, ctxt, host, resources):
        return self.client.call(ctxt, 'compute_node_update', host=host,
                                resources=resources)

    # --- instances -------------------------------------------------------

    def instance_get_all_by_host(self, ctxt, host):
        return self.client.call(ctxt, 'instance_get_all_by_host', host=host)

    def instance_get_reclaimable(self, ctxt, host, older_than):
        return self.client.prepare(version='1.1').call(
            ctxt, 'instance_get_reclaimable', host=host,
            older_than=older_than)

    def instance_usage_audit(self, ctxt, host):
        """Audit ``host``'s instances for the last audit period, once
        (see :mod:`nova_core.conductor.usage_audit`)."""
        return self.client.prepare(version='1.3').call(
            ctxt, 'instance_usage_audit', host=host)

    def instance_start_reclaim(self, ctxt, instance_uuid):
        return self.client.prepare(version='1.1').call(
            ctxt, 'instance_start_reclaim', instance_uuid=instance_uuid)

    def instance_update(self, ctxt, instance_uuid, values,
                        expected_task_state=(), event=None):
        """Change an instance; ``event`` (``name``, ``phase`` start or
        finish, ``result``, ``traceback``, ``host``) is recorded with it,
        saving the round trip of a separate event call."""
        kwargs = {'instance_uuid': instance_uuid, 'values': values}
        if expected_task_state != ():
            kwargs['expected_task_state'] = expected_task_state
        if event is not None:
            kwargs['event'] = event
        return self.client.call(ctxt, 'instance_update', **kwargs)

    def instance_destroy(self, ctxt, instance_uuid):
        return self.client.call(ctxt, 'instance_destroy',
                                instance_uuid=instance_uuid)

    def instance_build_failed(self, ctxt, instance_uuid, message, details,
                              host, event=None):
        return self.client.call(ctxt, 'instance_build_failed',
                                instance_uuid=instance_uuid, message=message,
                                details=details, host=host, event=event)

    def instance_fault_create(self, ctxt, instance_uuid, code, message,
                              details, host):
        return self.client.call(ctxt, 'instance_fault_create',
                                instance_uuid=instance_uuid, code=code,
                                message=message, details=details, host=host)

    def action_event_start(self, ctxt, instance_uuid, event, host):
        return self.client.call(ctxt, 'action_event_start',
                                instance_uuid=instance_uuid, event=event,
                                host=host)

    def action_event_finish(self, ctxt, instance_uuid, event, result,
                            traceback=None):
        return self.client.call(ctxt, 'action_event_finish',
                                instance_uuid=instance_uuid, event=event,
                                result=result, traceback=traceback)

    # --- resizing --------------------------------------------------------

    def migrate_server(self, ctxt, instance, flavor, image_meta,
                       migration_type='resize', host=None):
        """Resize (or cold-migrate: the same flavor to another host,
        ``host`` if given) the instance."""
        kwargs = dict(instance=instance, flavor=flavor,
                      image_meta=image_meta)
        version = '1.1'
        if migration_type != 'resize' or host is not None:
            kwargs.update(migration_type=migration_type, host=host)
            version = '1.3'
        self.client.prepare(version=version).cast(ctxt, 'migrate_server',
                                                  **kwargs)

    def resize_step(self, ctxt, instance_uuid, migration_id, step,
                    values=None):
        """Record a step of a resize (see :func:`nova_core.conductor.
        resize.step`)."""
        return self.client.prepare(version='1.1').call(
            ctxt, 'resize_step', instance_uuid=instance_uuid,
            migration_id=migration_id, step=step, values=values)

    # --- building --------------------------------------------------------

    def build_instances(self, ctxt, instances, image_meta, request_spec):
        self.client.cast(ctxt, 'build_instances', instances=instances,
                         image_meta=image_meta, request_spec=request_spec)

    # --- asked by the API ------------------------------------------------

    def confirm_resize(self, ctxt, instance, migration):
        """Start confirming a finished resize (a call, so that a migration
        no longer ``finished`` comes back as MigrationStatusConflict)."""
        return self.client.prepare(version='1.2').call(
            ctxt, 'confirm_resize', instance=instance, migration=migration)

    # --- service lifecycle (appended) --------------------------------------

    def service_stopped(self, ctxt, host, binary):
        """Mark a service down at once as it stops; waits at most
        :data:`STOP_TIMEOUT` seconds for a conductor (a stop must not hang
        on one)."""
        return self.client.prepare(timeout=STOP_TIMEOUT).call(
            ctxt, 'service_stopped', host=host, binary=binary)

    def instance_get_deleted(self, ctxt, instance_uuids):
        return self.client.call(ctxt, 'instance_get_deleted',
                                instance_uuids=instance_uuids)

    # --- build retries ---------------------------------------------------

    def instance_build_started(self, ctxt, instance_uuid, host, event):
        """Move a build placed on ``host`` from scheduling to spawning,
        with its ``event``; InstanceTaskStateConflict when it is no longer
        placed there (re-scheduled meanwhile) or no longer scheduling."""
        return self.client.prepare(version='1.2').call(
            ctxt, 'instance_build_started', instance_uuid=instance_uuid,
            host=host, event=event)

    def reschedule_build(self, ctxt, instance_uuid, host, reason,
                         restarted=False, event=None):
        """Hand a build that failed on ``host`` back for another host
        (see :func:`nova_core.conductor.build.reschedule`)."""
        return self.client.prepare(version='1.2').call(
            ctxt, 'reschedule_build', instance_uuid=instance_uuid,
            host=host, reason=reason, restarted=restarted, event=event)

    # --- shelving and backups (1.3) --------------------------------------

    def shelve_step(self, ctxt, instance_uuid, step, values=None):
        """Record a step of a shelve or unshelve (see
        :func:`nova_core.conductor.shelve.step`)."""
        return self.client.prepare(version='1.3').call(
            ctxt, 'shelve_step', instance_uuid=instance_uuid, step=step,
            values=values)

    def unshelve_instance(self, ctxt, instance, request_spec):
        """Asked by the API: place a shelved server again and boot it."""
        self.client.prepare(version='1.3').cast(
            ctxt, 'unshelve_instance', instance=instance,
            request_spec=request_spec)

    def instance_backups(self, ctxt, instance_uuid, backup_type):
        """The ids of the instance's backup images of ``backup_type``,
        newest first (what a rotation deletes the tail of)."""
        return self.client.prepare(version='1.3').call(
            ctxt, 'instance_backups', instance_uuid=instance_uuid,
            backup_type=backup_type)

    # --- interfaces (1.4) ------------------------------------------------

    def interface_allocate(self, ctxt, instance_uuid, network_name,
                           fixed_ip=None, tag=None):
        """A new port of the instance on ``network_name`` (an interface
        being attached): its vif."""
        return self.client.prepare(version='1.4').call(
            ctxt, 'interface_allocate', instance_uuid=instance_uuid,
            network_name=network_name, fixed_ip=fixed_ip, tag=tag)

    def interface_release(self, ctxt, instance_uuid, port_id):
        """Give back the address of port ``port_id`` of the instance."""
        return self.client.prepare(version='1.4').call(
            ctxt, 'interface_release', instance_uuid=instance_uuid,
            port_id=port_id)

    # --- live migration and evacuation (1.4) -----------------------------

    def live_migrate_instance(self, ctxt, instance, host, force, async_):
        """Asked by the API: check and claim a destination and start the
        live migration; a call (pre-check errors come back) unless
        ``async_`` (2.34 on), then a cast."""
        client = self.client.prepare(version='1.4')
        kwargs = dict(instance=instance, host=host, force=force,
                      async_=async_)
        if async_:
            client.cast(ctxt, 'live_migrate_instance', **kwargs)
            return None
        return client.call(ctxt, 'live_migrate_instance', **kwargs)

    def evacuate_instance(self, ctxt, instance, host, force, image_meta,
                          admin_password=None, target_state=None):
        """Asked by the API: rebuild the instance of a dead host on
        another one."""
        self.client.prepare(version='1.4').cast(
            ctxt, 'evacuate_instance', instance=instance, host=host,
            force=force, image_meta=image_meta,
            admin_password=admin_password, target_state=target_state)

    def move_step(self, ctxt, instance_uuid, migration_id, step,
                  values=None):
        """Record a step of a live migration or an evacuation."""
        return self.client.prepare(version='1.4').call(
            ctxt, 'move_step', instance_uuid=instance_uuid,
            migration_id=migration_id, step=step, values=values)

    def evacuated_instances(self, ctxt, host, instance_uuids):
        """The evacuations away from ``host`` of the guests it runs."""
        return self.client.prepare(version='1.4').call(
            ctxt, 'evacuated_instances', host=host,
            instance_uuids=instance_uuids)
