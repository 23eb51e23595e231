"""The interface every hypervisor driver implements.

Drivers receive instances and images as plain dictionaries, exactly as they
cross RPC; a driver never sees the database. The fields it may rely on:

``instance``
    ``uuid``, ``name`` (hypervisor name, e.g. ``instance-0000002a``),
    ``display_name``, ``host``, ``vcpus``, ``memory_mb``, ``root_gb``,
    ``ephemeral_gb``, ``swap``, ``image_ref``, ``flavor`` (a dict of the
    flavor: ``flavorid``, ``name``, ``vcpus``, ``memory_mb``, ``root_gb``,
    ``ephemeral_gb``, ``swap``, ``extra_specs``), ``key_data``,
    ``user_data``, ``metadata``, ``vm_state``, ``task_state``,
    ``power_state``.

``image_meta``
    ``id``, ``name``, ``disk_format``, ``container_format``, ``size``,
    ``checksum`` (md5 hex), ``min_ram``, ``min_disk`` and ``properties``
    (e.g. ``kernel_id``, ``ramdisk_id``, ``os_command_line``).
"""
import abc
import collections
import os
import time

from nova_core import exception
from nova_core.compute import power_state

#: What :meth:`ComputeDriver.get_info` returns.
InstanceInfo = collections.namedtuple('InstanceInfo', ['state'])

_DIAGNOSTICS_STATES = {
    power_state.RUNNING: 'running', power_state.PAUSED: 'paused',
    power_state.SHUTDOWN: 'shutdown', power_state.CRASHED: 'crashed',
    power_state.SUSPENDED: 'suspended'}

#: A power-state change seen by the hypervisor, passed to event listeners.
LifecycleEvent = collections.namedtuple(
    'LifecycleEvent', ['instance_uuid', 'power_state'])


class ComputeDriver(abc.ABC):
    """Base class of hypervisor drivers.

    A driver is constructed with the global configuration object and an
    :class:`nova_core.image.client.ImageClient`, which moves image data
    without database access; ``init_host`` is called once before any other
    method.
    """

    def __init__(self, conf, image_service=None):
        self.conf = conf
        self.image_service = image_service
        self._event_listener = None

    # --- life of the driver -------------------------------------------------

    @abc.abstractmethod
    def init_host(self, host):
        """Connect to the hypervisor and prepare this host.

        :raises: VirtDriverError if the hypervisor cannot be reached.
        """

    def cleanup_host(self, host):  # noqa: B027 - optional hook
        """Release what ``init_host`` acquired; called at service stop."""

    def register_event_listener(self, callback):
        """Ask to be told of guests' power-state changes.

        ``callback`` takes a :class:`LifecycleEvent`; drivers that can watch
        the hypervisor call it from any thread.
        """
        self._event_listener = callback

    def emit_event(self, event):
        if self._event_listener is not None:
            self._event_listener(event)

    # --- the host -----------------------------------------------------------

    @abc.abstractmethod
    def get_available_resource(self):
        """Describe this host's resources.

        :returns: a dict with ``vcpus``, ``memory_mb``, ``local_gb`` (totals),
            ``vcpus_used``, ``memory_mb_used``, ``local_gb_used`` (as the
            hypervisor sees them), ``hypervisor_type``,
            ``hypervisor_version`` (int), ``hypervisor_hostname`` and
            ``cpu_info`` (a JSON string).
        :raises: VirtDriverError if the hypervisor cannot be asked.
        """

    @abc.abstractmethod
    def list_instances(self):
        """The uuids of the guests this hypervisor knows of.

        :raises: VirtDriverError if the hypervisor cannot be asked.
        """

    # --- one guest ----------------------------------------------------------

    @abc.abstractmethod
    def get_info(self, instance):
        """The guest's current state as an :class:`InstanceInfo`.

        :raises: InstanceNotFound if the hypervisor has no such guest.
        """

    @abc.abstractmethod
    def spawn(self, context, instance, image_meta, admin_password=None):
        """Create and start a guest for ``instance`` from ``image_meta``.

        On failure nothing of the guest is left behind.

        :raises: VirtDriverError (or a subclass) when the guest cannot be made;
            InstanceExists if a guest of that name exists already.
        """

    @abc.abstractmethod
    def destroy(self, context, instance, destroy_disks=True):
        """Stop the guest at once and remove it and, if asked, its files.

        Destroying a guest that does not exist succeeds (idempotent).

        :raises: VirtDriverError if the hypervisor refuses.
        """

    @abc.abstractmethod
    def reboot(self, context, instance, reboot_type):
        """Reboot the guest; ``reboot_type`` is ``'SOFT'`` or ``'HARD'``.

        A soft reboot that the guest ignores falls back to a hard one. A
        hard reboot of a guest the hypervisor lost recreates it from
        ``instance`` (its flavor, and its image as its system metadata
        recorded it), as Nova's libvirt driver regenerates the domain.

        :raises: InstanceNotFound (soft reboot of a missing guest),
            VirtDriverError.
        """

    @abc.abstractmethod
    def power_off(self, instance, timeout=0, retry_interval=0):
        """Power the guest off, cleanly within ``timeout`` seconds if > 0.

        :raises: InstanceNotFound, VirtDriverError.
        """

    @abc.abstractmethod
    def power_on(self, context, instance):
        """Power the guest on; a guest the hypervisor lost is recreated
        from ``instance``, as for a hard reboot.

        :raises: VirtDriverError.
        """

    @abc.abstractmethod
    def pause(self, instance):
        """Pause the guest in memory.

        :raises: InstanceNotFound, VirtDriverError.
        """

    @abc.abstractmethod
    def unpause(self, instance):
        """Unpause a paused guest.

        :raises: InstanceNotFound, VirtDriverError.
        """

    @abc.abstractmethod
    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it.

        :raises: InstanceNotFound, VirtDriverError.
        """

    @abc.abstractmethod
    def resume(self, context, instance):
        """Resume a suspended guest.

        :raises: InstanceNotFound, VirtDriverError.
        """

    @abc.abstractmethod
    def snapshot(self, context, instance, image_id, upload):
        """Snapshot the guest's root disk into image ``image_id``.

        ``upload(fileobj, disk_format)`` sends the data to the image
        registry.

        :raises: InstanceNotFound, VirtDriverError.
        """

    # --- rescue, password, crash dump ---------------------------------------

    @abc.abstractmethod
    def rescue(self, context, instance, rescue_image_meta,
               admin_password=None):
        """Boot the guest from ``rescue_image_meta`` with its own root disk
        attached as a second disk, keeping what is needed to undo it (Nova's
        rescue); the rescued guest runs.

        :raises: InstanceNotFound, InstanceNotRescuable, ImageNotFound,
            VirtDriverError.
        """

    @abc.abstractmethod
    def unrescue(self, context, instance):
        """Remove the rescue guest and run the original one again.

        :raises: InstanceNotFound, VirtDriverError.
        """

    @abc.abstractmethod
    def set_admin_password(self, instance, new_pass):
        """Set the administrator's password inside the running guest.

        :raises: InstanceNotFound; InstanceAgentNotEnabled when the guest
            has no agent to do it; InstancePasswordSetFailed;
            SetAdminPasswdNotImplemented where the driver cannot at all.
        """

    @abc.abstractmethod
    def trigger_crash_dump(self, instance):
        """Make the guest's kernel dump its memory (an NMI to the guest).

        :raises: InstanceNotFound, InstanceNotRunning,
            TriggerCrashDumpNotSupported, VirtDriverError.
        """

    # --- rebuild and resize -------------------------------------------------

    #: What the driver can do beyond the abstract methods; the conductor
    #: reads them from what each compute host reports with its resources.
    #: ``supports_migrate_to_other_host``: a resize may move the guest's
    #: disks to another host; ``supports_live_migration``: a running guest
    #: may move to another host (:meth:`live_migration`);
    #: ``supports_attach_interface``: interfaces can be attached to and
    #: detached from a guest (:meth:`attach_interface`,
    #: :meth:`detach_interface`).
    capabilities = {'supports_migrate_to_other_host': False,
                    'supports_live_migration': False,
                    'supports_attach_interface': False}

    def attach_interface(self, context, instance, vif):
        """Plug interface ``vif`` (see :func:`nova_core.network.vif`) into
        the guest: at once if it runs, and in what it boots with next.

        :raises: NotImplementedError unless the driver has the capability
            ``supports_attach_interface``; InstanceNotFound,
            VirtDriverError.
        """
        raise NotImplementedError()

    def detach_interface(self, context, instance, vif):
        """Unplug interface ``vif`` from the guest (running or not); one
        the guest does not have is no error.

        :raises: NotImplementedError unless the driver has the capability
            ``supports_attach_interface``; InstanceNotFound,
            VirtDriverError.
        """
        raise NotImplementedError()

    def rebuild(self, context, instance, image_meta, admin_password=None,
                preserve_ephemeral=False):
        """Replace the guest by one booted from ``image_meta`` (the
        instance keeps its uuid, name and flavor); the new guest runs.

        By default the guest is destroyed and spawned again; drivers that
        can keep disks (``preserve_ephemeral``) override this.

        :raises: VirtDriverError (or a subclass) when the new guest cannot
            be made.
        """
        self.destroy(context, instance)
        self.spawn(context, instance, image_meta,
                   admin_password=admin_password)

    @abc.abstractmethod
    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   timeout=0, retry_interval=0):
        """First step of a resize, on the source host: power the guest off
        (cleanly within ``timeout`` seconds if > 0) and make its disks
        available to host ``dest`` for the new ``flavor``. The old guest
        is kept until :meth:`confirm_migration` or
        :meth:`finish_revert_migration`.

        :returns: a JSON-able dict handed to :meth:`finish_migration`.
        :raises: InstanceNotFound; CannotResizeDisk when the new flavor's
            disk is smaller; VirtDriverError.
        """

    @abc.abstractmethod
    def finish_migration(self, context, migration, instance, disk_info,
                         image_meta, resize_instance, power_on=True):
        """Second step of a resize, on the destination host: make the
        guest of ``instance`` (which carries the new flavor) from what
        :meth:`migrate_disk_and_power_off` returned; grow its disk if
        ``resize_instance``; start it if ``power_on``.

        :raises: VirtDriverError.
        """

    @abc.abstractmethod
    def confirm_migration(self, context, migration, instance):
        """A resize was confirmed: on the source host, remove what was kept
        of the old guest (all of it when the destination is another host).

        :raises: VirtDriverError.
        """

    @abc.abstractmethod
    def finish_revert_migration(self, context, instance, migration,
                                power_on=True):
        """A resize was reverted: on the source host, run the guest again
        with its old flavor (``instance`` carries it) and disks. When the
        destination was another host its guest was destroyed already.

        :raises: InstanceNotFound, VirtDriverError.
        """

    # --- live migration (drivers with ``supports_live_migration``) --------

    def pre_live_migration(self, context, instance, migration):
        """On the destination, before a live migration: get ready to
        receive the guest of ``instance``.

        :returns: a JSON-able dict handed to :meth:`live_migration`.
        :raises: NotImplementedError where the driver cannot live-migrate;
            VirtDriverError.
        """
        raise NotImplementedError()

    def live_migration(self, context, instance, migration, migrate_data):
        """On the source: move the running guest of ``instance`` to
        ``migration['dest_compute']``; what is left of it here is removed.

        :returns: a JSON-able dict handed to
            :meth:`post_live_migration_at_destination`.
        :raises: NotImplementedError, InstanceNotFound, VirtDriverError.
        """
        raise NotImplementedError()

    def post_live_migration_at_destination(self, context, instance,
                                           migration, migrate_data):
        """On the destination, after the guest moved: it runs here now.

        :raises: NotImplementedError, VirtDriverError.
        """
        raise NotImplementedError()

    def live_migration_force_complete(self, instance):  # noqa: B027
        """Force the live migration of ``instance`` under way to finish
        (e.g. by pausing the guest). Nothing to do where a live migration
        ends before anyone can ask."""

    def live_migration_abort(self, instance):  # noqa: B027
        """Abort the live migration of ``instance`` under way. Nothing to
        do where a live migration ends before anyone can ask."""

    def resume_state_on_host_boot(self, context, instance):
        """Bring back a guest that should run but vanished with a host reboot.

        :raises: InstanceNotFound, VirtDriverError.
        """
        self.power_on(context, instance)

    #: The ``driver`` that standard diagnostics (2.48) name; Nova's list
    #: has no ``fake``, and Nova's own fake driver says ``libvirt``.
    diagnostics_driver = 'libvirt'

    def get_instance_diagnostics(self, instance):
        """Nova's standard diagnostics (2.48) of the guest: what its power
        state and flavor tell; a driver that reads counters from its
        hypervisor overrides this. Counters it cannot read are None, as
        Nova's.

        :raises: InstanceNotFound if the hypervisor has no such guest.
        """
        state = self.get_info(instance).state
        vcpus = instance['vcpus']
        return {
            'state': _DIAGNOSTICS_STATES.get(state, 'pending'),
            'driver': self.diagnostics_driver,
            'hypervisor': None, 'hypervisor_os': None, 'uptime': None,
            'config_drive': bool(instance.get('config_drive')),
            'num_cpus': vcpus, 'num_nics': 0, 'num_disks': 1,
            'memory_details': {'maximum': instance['memory_mb'],
                               'used': None},
            'cpu_details': [{'id': i, 'time': None, 'utilisation': None}
                            for i in range(vcpus)],
            'nic_details': [],
            'disk_details': [dict.fromkeys((
                'read_bytes', 'read_requests', 'write_bytes',
                'write_requests', 'errors_count'))],
        }

    def get_host_uptime(self):
        """The host's uptime, as the ``uptime`` command prints it (what
        Nova's ``os-hypervisors`` uptime shows): read from this host's
        ``/proc`` by default, as the compute runs beside its hypervisor.

        :raises: NotImplementedError where the host has no ``/proc``.
        """
        try:
            with open('/proc/uptime') as uptime:
                seconds = int(float(uptime.read().split()[0]))
        except (OSError, ValueError, IndexError):
            raise NotImplementedError()
        days, rest = divmod(seconds, 86400)
        since = '%d:%02d' % divmod(rest // 60, 60)
        if days:
            since = '%d day%s, %s' % (days, '' if days == 1 else 's', since)
        return ' %s up %s,  load average: %.2f, %.2f, %.2f' % (
            time.strftime('%H:%M:%S'), since, *os.getloadavg())

    @abc.abstractmethod
    def get_console_output(self, context, instance):
        """The guest's serial console log so far, as text.

        :raises: InstanceNotFound, VirtDriverError.
        """

    def power_update_event(self, context, instance, target_power_state):
        """An external service reports the guest's power as
        ``target_power_state`` (``POWER_ON`` or ``POWER_OFF``, Nova's
        power-update event): make the hypervisor agree. This default powers
        the guest on or off; a driver whose hardware changes power by
        itself (as Nova's Ironic driver) only records it.

        :raises: InstanceNotFound, VirtDriverError.
        """
        if target_power_state == 'POWER_ON':
            self.power_on(context, instance)
        else:
            self.power_off(instance)

    def get_serial_console(self, context, instance):
        """Where the guest's interactive serial console listens, for the
        serial proxy: ``{'host', 'port', 'internal_access_path'}``.

        :raises: InstanceNotFound; NotImplementedError where the driver
            gives guests no serial console.
        """
        raise NotImplementedError()

    def get_vnc_console(self, context, instance):
        """Where the guest's VNC server listens, for the noVNC proxy:
        ``{'host', 'port', 'internal_access_path'}``.

        :raises: InstanceNotFound; NotImplementedError where the driver
            gives guests no VNC server.
        """
        raise NotImplementedError()

    def instance_power_state(self, instance):
        """The guest's power state, NOSTATE if the hypervisor lacks it."""
        try:
            return self.get_info(instance).state
        except exception.InstanceNotFound:
            return power_state.NOSTATE
