"""Client side of the compute RPC API: one compute service per host.

Each message goes to the topic ``compute`` with server ``instance['host']``.
Versions:

* 1.0 - Initial version.
* 1.1 - Soft delete and restore, rebuild, snapshot, resizes (resize,
  finish, confirm, revert) and driver_capabilities.
* 1.2 - get_host_uptime, get_instance_diagnostics.
* 1.3 - external_instance_event; backup_instance, shelve_instance,
  shelve_offload_instance, unshelve_instance, rescue_instance,
  unrescue_instance, set_admin_password, trigger_crash_dump;
  get_remote_console.
* 1.4 - attach_interface, detach_interface; live migration
  (live_migration, pre_live_migration, post_live_migration_at_destination,
  live_migration_force_complete, live_migration_abort) and
  evacuate_instance.
"""
import oslo_messaging as messaging

from nova_core import rpc

RPC_API_VERSION = '1.4'
TOPIC = 'compute'
#: The driver capability attach_interface and detach_interface need.
ATTACH_INTERFACE_CAPABILITY = 'supports_attach_interface'
#: The driver capability a live migration needs at both ends.
LIVE_MIGRATION_CAPABILITY = 'supports_live_migration'


class ComputeAPI:
    """Calls the compute service of the host an instance lives on."""

    def __init__(self, conf, retry=None, timeout=None):
        """``retry``: attempts to reach the broker (None: forever);
        ``timeout``: seconds a call waits for its answer (None:
        ``rpc_response_timeout``)."""
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=RPC_API_VERSION,
                                     retry=retry, timeout=timeout)

    def _on(self, instance, version='1.0'):
        return self.client.prepare(server=instance['host'], version=version)

    def build_and_run_instance(self, ctxt, instance, image_meta,
                               admin_password=None):
        self._on(instance).cast(ctxt, 'build_and_run_instance',
                                instance=instance, image_meta=image_meta,
                                admin_password=admin_password)

    def terminate_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'terminate_instance', instance=instance)

    def reboot_instance(self, ctxt, instance, reboot_type):
        self._on(instance).cast(ctxt, 'reboot_instance', instance=instance,
                                reboot_type=reboot_type)

    def stop_instance(self, ctxt, instance, clean_shutdown=True):
        self._on(instance).cast(ctxt, 'stop_instance', instance=instance,
                                clean_shutdown=clean_shutdown)

    def start_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'start_instance', instance=instance)

    def pause_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'pause_instance', instance=instance)

    def unpause_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'unpause_instance', instance=instance)

    def suspend_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'suspend_instance', instance=instance)

    def resume_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'resume_instance', instance=instance)

    def soft_delete_instance(self, ctxt, instance):
        self._on(instance, '1.1').cast(ctxt, 'soft_delete_instance',
                                       instance=instance)

    def restore_instance(self, ctxt, instance):
        self._on(instance, '1.1').cast(ctxt, 'restore_instance',
                                       instance=instance)

    # --- rebuild, resize, snapshot ---------------------------------------

    def rebuild_instance(self, ctxt, instance, image_meta,
                         admin_password=None, preserve_ephemeral=False):
        self._on(instance, '1.1').cast(
            ctxt, 'rebuild_instance', instance=instance,
            image_meta=image_meta, admin_password=admin_password,
            preserve_ephemeral=preserve_ephemeral)

    def snapshot_instance(self, ctxt, instance, image_id):
        self._on(instance, '1.1').cast(ctxt, 'snapshot_instance',
                                       instance=instance, image_id=image_id)

    def driver_capabilities(self, ctxt, host):
        return self.client.prepare(server=host, version='1.1').call(
            ctxt, 'driver_capabilities', host=host)

    def get_host_uptime(self, ctxt, host):
        return self.client.prepare(server=host, version='1.2').call(
            ctxt, 'get_host_uptime', host=host)

    def get_instance_diagnostics(self, ctxt, instance):
        return self._on(instance, '1.2').call(
            ctxt, 'get_instance_diagnostics', instance=instance)

    def resize_instance(self, ctxt, instance, migration, image_meta):
        """To the source host (``instance['host']``)."""
        self._on(instance, '1.1').cast(
            ctxt, 'resize_instance', instance=instance, migration=migration,
            image_meta=image_meta)

    def finish_resize(self, ctxt, instance, migration, disk_info,
                      image_meta):
        """To the destination host."""
        self.client.prepare(server=migration['dest_compute'],
                            version='1.1').cast(
            ctxt, 'finish_resize', instance=instance, migration=migration,
            disk_info=disk_info, image_meta=image_meta)

    def confirm_resize(self, ctxt, instance, migration):
        """To the source host, which cleans up what is left there."""
        self.client.prepare(server=migration['source_compute'],
                            version='1.1').cast(
            ctxt, 'confirm_resize', instance=instance, migration=migration)

    def revert_resize(self, ctxt, instance, migration):
        """To the destination host (``instance['host']``)."""
        self._on(instance, '1.1').cast(ctxt, 'revert_resize',
                                       instance=instance,
                                       migration=migration)

    def finish_revert_resize(self, ctxt, instance, migration):
        self.client.prepare(server=migration['source_compute'],
                            version='1.1').cast(
            ctxt, 'finish_revert_resize', instance=instance,
            migration=migration)

    def get_console_output(self, ctxt, instance, tail_length=None):
        return self._on(instance).call(ctxt, 'get_console_output',
                                       instance=instance,
                                       tail_length=tail_length)

    def external_instance_event(self, ctxt, instances, events, host):
        """Events other services report about ``instances`` on ``host``
        (see :mod:`nova_core.compute.external_events`)."""
        self.client.prepare(server=host, version='1.3').cast(
            ctxt, 'external_instance_event', instances=instances,
            events=events, host=host)

    # --- backup, shelve, rescue, password, crash dump (1.3) ---------------

    def backup_instance(self, ctxt, instance, image_id, backup_type,
                        rotation):
        self._on(instance, '1.3').cast(
            ctxt, 'backup_instance', instance=instance, image_id=image_id,
            backup_type=backup_type, rotation=rotation)

    def shelve_instance(self, ctxt, instance, image_id, clean_shutdown=True):
        self._on(instance, '1.3').cast(
            ctxt, 'shelve_instance', instance=instance, image_id=image_id,
            clean_shutdown=clean_shutdown)

    def shelve_offload_instance(self, ctxt, instance, clean_shutdown=True):
        self._on(instance, '1.3').cast(
            ctxt, 'shelve_offload_instance', instance=instance,
            clean_shutdown=clean_shutdown)

    def unshelve_instance(self, ctxt, instance, image_meta):
        """To ``instance['host']``: the host it stayed on (SHELVED,
        ``image_meta`` None) or the one the conductor claimed."""
        self._on(instance, '1.3').cast(
            ctxt, 'unshelve_instance', instance=instance,
            image_meta=image_meta)

    def rescue_instance(self, ctxt, instance, rescue_image_meta,
                        rescue_password):
        self._on(instance, '1.3').cast(
            ctxt, 'rescue_instance', instance=instance,
            rescue_image_meta=rescue_image_meta,
            rescue_password=rescue_password)

    def unrescue_instance(self, ctxt, instance):
        self._on(instance, '1.3').cast(ctxt, 'unrescue_instance',
                                       instance=instance)

    def set_admin_password(self, ctxt, instance, new_pass):
        """A call, as Nova's: the API answers with the driver's verdict."""
        return self._on(instance, '1.3').call(
            ctxt, 'set_admin_password', instance=instance, new_pass=new_pass)

    def trigger_crash_dump(self, ctxt, instance):
        self._on(instance, '1.3').cast(ctxt, 'trigger_crash_dump',
                                       instance=instance)
    def get_remote_console(self, ctxt, instance, protocol, console_type):
        """Connect info of the guest's console (no token: the caller
        issues it)."""
        return self._on(instance, '1.3').call(
            ctxt, 'get_remote_console', instance=instance,
            protocol=protocol, console_type=console_type)

    # --- interfaces (1.4) ------------------------------------------------

    def attach_interface(self, ctxt, instance, network_name, fixed_ip=None,
                         tag=None):
        """A call, as Nova's: the API answers with the new interface (its
        vif) or the error that stopped it."""
        return self._on(instance, '1.4').call(
            ctxt, 'attach_interface', instance=instance,
            network_name=network_name, fixed_ip=fixed_ip, tag=tag)

    def detach_interface(self, ctxt, instance, vif):
        self._on(instance, '1.4').cast(ctxt, 'detach_interface',
                                       instance=instance, vif=vif)

    # --- live migration and evacuation (1.4) ------------------------------

    def live_migration(self, ctxt, instance, migration):
        """To the source host (``instance['host']``)."""
        self._on(instance, '1.4').cast(ctxt, 'live_migration',
                                       instance=instance, migration=migration)

    def pre_live_migration(self, ctxt, instance, migration):
        """A call to the destination: its driver's migrate data."""
        return self.client.prepare(server=migration['dest_compute'],
                                   version='1.4').call(
            ctxt, 'pre_live_migration', instance=instance,
            migration=migration)

    def post_live_migration_at_destination(self, ctxt, instance, migration,
                                           migrate_data):
        self.client.prepare(server=migration['dest_compute'],
                            version='1.4').cast(
            ctxt, 'post_live_migration_at_destination', instance=instance,
            migration=migration, migrate_data=migrate_data)

    def live_migration_force_complete(self, ctxt, instance, migration):
        self._on(instance, '1.4').cast(
            ctxt, 'live_migration_force_complete', instance=instance,
            migration=migration)

    def live_migration_abort(self, ctxt, instance, migration):
        self._on(instance, '1.4').cast(ctxt, 'live_migration_abort',
                                       instance=instance, migration=migration)

    def evacuate_instance(self, ctxt, instance, migration, image_meta,
                          admin_password=None, target_state=None):
        """To the destination (``instance['host']`` already)."""
        self._on(instance, '1.4').cast(
            ctxt, 'evacuate_instance', instance=instance,
            migration=migration, image_meta=image_meta,
            admin_password=admin_password, target_state=target_state)
