"""The libvirt compute driver: guests as libvirt domains.

Each guest is a persistent domain named and identified like its instance
(domain uuid = instance uuid) whose files live in
``<instances_path>/<uuid>/``: ``disk`` (a qcow2 overlay on a cached base
image), ``kernel`` and ``ramdisk`` for AMI-style images, and
``console.log``, the serial console as virtlogd writes it. Every libvirt
error leaves as a typed nova-core error (see :mod:`.errors`).
"""
import contextlib
import logging
import os
import shutil
import threading
import time

try:
    import libvirt
except ImportError as _exc:  # pragma: no cover - depends on the host
    raise ImportError(
        'The libvirt compute driver needs libvirt-python: install '
        '"nova-core[libvirt]" (building it needs libvirt-dev and '
        'pkg-config).') from _exc

from nova_core import exception
from nova_core.compute import power_state
from nova_core.conf import consoles as console_conf
from nova_core.image import recorded as recorded_image
from nova_core.virt import driver as virt_driver
from nova_core_drivers.libvirt import conf as libvirt_conf
from nova_core_drivers.libvirt import (
    consoles,
    dhcp,
    errors,
    guest_files,
    guest_xml,
    hotplug,
    imagecache,
    rescue,
    resize,
    snapshot,
)
from nova_core_drivers.libvirt import host as libvirt_host

LOG = logging.getLogger(__name__)

POLL_SECONDS = 0.5
NOT_DIRS = ('_base', 'snapshots', 'locks')


class LibvirtDriver(virt_driver.ComputeDriver):
    """Guests under QEMU/KVM (or libvirt's test hypervisor) via libvirt."""

    def __init__(self, conf, image_service=None):
        super().__init__(conf, image_service)
        libvirt_conf.register_opts(conf)
        console_conf.register_opts(conf)
        self.lconf = conf.libvirt
        self.instances_path = (self.lconf.instances_path or
                               conf.instances_path)
        self.images_path = (self.lconf.images_path or
                            os.path.join(self.instances_path, '_base'))
        self.image_cache = imagecache.ImageCache(self.images_path,
                                                 image_service)
        self.host = libvirt_host.Host(self.lconf.connection_uri,
                                      self.emit_event,
                                      self.lconf.stopped_event_delay)
        self._stopping = threading.Event()
        self._cache_thread = None

    # --- life of the driver -------------------------------------------------

    def init_host(self, host):
        os.makedirs(self.instances_path, mode=0o755, exist_ok=True)
        conn = self.host.get_connection()
        with errors.translated('read hypervisor version', uri=self.host.uri):
            LOG.info('libvirt driver on %s: %s %s via %s', host,
                     conn.getType(), conn.getVersion(), self.host.uri)
        interval = self.lconf.image_cache_manager_interval
        if interval and self._cache_thread is None:
            self._cache_thread = threading.Thread(
                target=self._image_cache_loop, args=(interval,),
                name='libvirt-image-cache', daemon=True)
            self._cache_thread.start()

    def cleanup_host(self, host):
        self._stopping.set()
        self.host.close()

    def _image_cache_loop(self, interval):
        while not self._stopping.wait(interval):
            try:
                self.manage_image_cache()
            except Exception:
                LOG.exception('Image cache pass failed')

    def manage_image_cache(self):
        """Remove base images no guest has used for a while."""
        if not self.lconf.remove_unused_base_images:
            return []
        return self.image_cache.clean(
            self._instance_dirs(),
            self.lconf.remove_unused_original_minimum_age_seconds)

    def _instance_dirs(self):
        if not os.path.isdir(self.instances_path):
            return []
        skip = {os.path.realpath(self.images_path)}
        dirs = (os.path.join(self.instances_path, d)
                for d in os.listdir(self.instances_path) if d not in NOT_DIRS)
        return [d for d in dirs
                if os.path.isdir(d) and os.path.realpath(d) not in skip]

    # --- the host -----------------------------------------------------------

    def get_available_resource(self):
        return self.host.get_resources(self.instances_path)

    def list_instances(self):
        return [dom.UUIDString() for dom in self.host.list_domains()
                if self._is_ours(dom)]

    @staticmethod
    def _is_ours(dom):
        try:
            dom.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT,
                         guest_xml.NS, 0)
        except libvirt.libvirtError:
            return False
        return True

    # --- one guest: state and files ----------------------------------------

    def _dir(self, instance):
        return os.path.join(self.instances_path, instance['uuid'])

    def _files(self, instance):
        """Where the guest's own files are (its disk, its console log)."""
        return guest_files.GuestFiles(self._dir(instance))

    def _translated(self, action, instance):
        return errors.translated(action, instance, self.host.uri)

    def get_info(self, instance):
        dom = self.host.lookup(instance)
        with self._translated('read domain state', instance):
            state = dom.state()[0]
            saved = (state == libvirt.VIR_DOMAIN_SHUTOFF and
                     dom.hasManagedSaveImage(0))
        if saved:
            return virt_driver.InstanceInfo(power_state.SUSPENDED)
        return virt_driver.InstanceInfo(
            libvirt_host.POWER_STATES.get(state, power_state.NOSTATE))

    def _state(self, dom, instance):
        with self._translated('read domain state', instance):
            return dom.state()[0]

    def get_console_output(self, context, instance):
        self.host.lookup(instance)
        path = self._files(instance).console_log
        limit = self.lconf.console_output_max_bytes
        try:
            with open(path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(f.tell() - limit, 0))
                data = f.read()
        except FileNotFoundError:
            return ''
        except OSError as exc:
            raise exception.VirtDriverError(
                reason=f'cannot read console log {path}: {exc}') from exc
        return data.decode('utf-8', 'replace')

    # --- spawn and destroy --------------------------------------------------

    def spawn(self, context, instance, image_meta, admin_password=None):
        conn = self.host.get_connection()
        self._check_absent(conn, instance)
        inst_dir = self._dir(instance)
        shutil.rmtree(inst_dir, ignore_errors=True)  # leftovers, no domain
        os.makedirs(inst_dir, mode=0o755)
        dom = None
        try:
            files = guest_files.prepare(
                context, self.image_cache, self.image_service, instance,
                image_meta, inst_dir)
            xml = guest_xml.domain_xml(
                instance, image_meta, files, self.lconf.virt_type,
                self.lconf.hw_machine_type,
                self.lconf.default_kernel_cmdline, self._new_consoles())
            dhcp.add_hosts(conn, instance)
            with self._translated('define domain', instance):
                dom = conn.defineXML(xml)
            with self._translated('start domain', instance):
                dom.createWithFlags(0)
        except BaseException as exc:
            LOG.warning('Spawning %s failed (%s); cleaning up',
                        instance['uuid'], exc)
            self._cleanup_failed_spawn(dom, instance, inst_dir)
            raise
        LOG.info('Spawned instance %s as domain %s', instance['uuid'],
                 instance['name'])

    def _new_consoles(self):
        """The consoles of a domain about to be defined: its serial port
        avoids the ports every other domain names (running or not)."""
        taken = set()
        for dom in self.host.list_domains():
            with contextlib.suppress(libvirt.libvirtError):
                taken |= consoles.serial_ports(dom.XMLDesc(0))
        return consoles.for_new_guest(self.conf, taken)

    def _live_xml(self, instance):
        dom = self.host.lookup(instance)
        with self._translated('read domain XML', instance):
            return dom.XMLDesc(0)

    def get_serial_console(self, context, instance):
        return consoles.serial_of(self._live_xml(instance), self.conf)

    def get_vnc_console(self, context, instance):
        return consoles.vnc_of(self._live_xml(instance), self.conf)

    def _check_absent(self, conn, instance):
        if self.host.find(instance) is not None:
            raise exception.InstanceExists(name=instance['name'])
        try:
            conn.lookupByName(instance['name'])
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return
            raise errors.from_libvirt(exc, 'look up domain', instance,
                                      self.host.uri) from exc
        raise exception.InstanceExists(name=instance['name'])

    def _cleanup_failed_spawn(self, dom, instance, inst_dir):
        try:
            if dom is not None:
                self._destroy_domain(dom, instance)
                self._undefine(dom, instance)
            dhcp.remove_hosts(self.host.get_connection(),
                              dhcp.interfaces_of_instance(instance))
        except exception.NovaCoreException:
            LOG.exception('Could not remove domain of failed spawn %s',
                          instance['uuid'])
        shutil.rmtree(inst_dir, ignore_errors=True)

    def destroy(self, context, instance, destroy_disks=True):
        dom = self.host.find(instance)
        if dom is not None:
            self._destroy_domain(dom, instance)
            with self._translated('read domain XML', instance):
                xml = dom.XMLDesc(0)
            self._undefine(dom, instance)
            dhcp.remove_hosts(self.host.get_connection(),
                              dhcp.interfaces_of_domain(xml))
        if destroy_disks:
            self._remove_files(instance)
        LOG.info('Destroyed instance %s', instance['uuid'])

    def _destroy_domain(self, dom, instance, attempts=3):
        """Stop the domain at once; a domain that is not running is fine."""
        for attempt in range(1, attempts + 1):
            try:
                dom.destroy()
                return
            except libvirt.libvirtError as exc:
                code = exc.get_error_code()
                if code in (libvirt.VIR_ERR_OPERATION_INVALID,
                            libvirt.VIR_ERR_NO_DOMAIN):
                    return
                if code != libvirt.VIR_ERR_SYSTEM_ERROR or \
                        attempt == attempts:
                    raise errors.from_libvirt(exc, 'destroy domain',
                                              instance, self.host.uri) from exc
                LOG.warning('Destroying %s failed (%s); retrying',
                            instance['uuid'], exc)
                time.sleep(1)

    def _undefine(self, dom, instance):
        """Undefine with its saved state; older or test hypervisors lack
        some flags, so fewer are tried in turn."""
        saved = libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
        flag_sets = (saved | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM, saved, 0)
        for flags in flag_sets:
            try:
                dom.undefineFlags(flags)
                return
            except libvirt.libvirtError as exc:
                code = exc.get_error_code()
                if code == libvirt.VIR_ERR_NO_DOMAIN:
                    return
                if flags == 0 or code not in (libvirt.VIR_ERR_INVALID_ARG,
                                              libvirt.VIR_ERR_NO_SUPPORT):
                    raise errors.from_libvirt(exc, 'undefine domain',
                                              instance, self.host.uri) from exc

    def _remove_files(self, instance):
        try:
            shutil.rmtree(self._dir(instance))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise exception.VirtDriverError(
                reason=f'cannot remove files of {instance["uuid"]}: '
                       f'{exc}') from exc

    # --- power --------------------------------------------------------------

    def reboot(self, context, instance, reboot_type):
        if reboot_type == 'HARD' and self.host.find(instance) is None:
            self._recreate(context, instance)
            return
        dom = self.host.lookup(instance)
        if reboot_type == 'SOFT' and self._soft_reboot(dom, instance):
            return
        self._hard_reboot(dom, instance)

    def _recreate(self, context, instance):
        """Define again and start the domain of a guest libvirt lost, as
        Nova's hard reboot regenerates the domain XML: from the instance,
        its flavor and its image as recorded at boot, its interfaces (and
        their DHCP hosts) from its ``network_info``. A disk that survived
        keeps its data; a missing one is made again from the image."""
        LOG.warning('Instance %s has no domain; defining it again',
                    instance['uuid'])
        meta = recorded_image.from_instance(instance)
        inst_dir = self._dir(instance)
        files = guest_files.GuestFiles(inst_dir)
        if os.path.exists(files.disk):
            for name in ('kernel', 'ramdisk'):
                path = os.path.join(inst_dir, name)
                if os.path.exists(path):
                    setattr(files, name, path)
        else:
            os.makedirs(inst_dir, mode=0o755, exist_ok=True)
            files = guest_files.prepare(context, self.image_cache,
                                        self.image_service, instance, meta,
                                        inst_dir)
        xml = guest_xml.domain_xml(
            instance, meta, files, self.lconf.virt_type,
            self.lconf.hw_machine_type, self.lconf.default_kernel_cmdline,
            self._new_consoles())
        conn = self.host.get_connection()
        dhcp.add_hosts(conn, instance)
        with self._translated('define domain', instance):
            dom = conn.defineXML(xml)
        self._cold_start(dom, instance)
        LOG.info('Recreated instance %s as domain %s', instance['uuid'],
                 instance['name'])

    def _soft_reboot(self, dom, instance):
        """ACPI shutdown, then start; False if the guest did not stop."""
        if self._state(dom, instance) != libvirt.VIR_DOMAIN_RUNNING:
            return False
        with self._translated('shut down domain', instance):
            dom.shutdown()
        if not self._wait_shutoff(dom, instance,
                                  self.lconf.wait_soft_reboot_seconds):
            LOG.warning('Instance %s ignored the soft reboot for %d s; '
                        'rebooting it hard', instance['uuid'],
                        self.lconf.wait_soft_reboot_seconds)
            return False
        with self._translated('start domain', instance):
            dom.createWithFlags(0)
        LOG.info('Soft rebooted instance %s', instance['uuid'])
        return True

    def _hard_reboot(self, dom, instance):
        self._destroy_domain(dom, instance)
        self._cold_start(dom, instance)
        LOG.info('Hard rebooted instance %s', instance['uuid'])

    def _cold_start(self, dom, instance):
        with self._translated('start domain', instance):
            if dom.hasManagedSaveImage(0):
                dom.managedSaveRemove(0)
            dom.createWithFlags(0)

    def _wait_shutoff(self, dom, instance, timeout, retry_interval=0):
        """Poll until the domain is off; re-send ACPI every
        ``retry_interval`` seconds. True if it went off in time."""
        start = last_try = time.monotonic()
        while time.monotonic() - start < timeout:
            if self._state(dom, instance) == libvirt.VIR_DOMAIN_SHUTOFF:
                return True
            time.sleep(POLL_SECONDS)
            if retry_interval and \
                    time.monotonic() - last_try >= retry_interval:
                last_try = time.monotonic()
                with contextlib.suppress(libvirt.libvirtError):
                    dom.shutdown()
        return self._state(dom, instance) == libvirt.VIR_DOMAIN_SHUTOFF

    def power_off(self, instance, timeout=0, retry_interval=0):
        dom = self.host.lookup(instance)
        state = self._state(dom, instance)
        if state == libvirt.VIR_DOMAIN_SHUTOFF:
            return
        if timeout and state == libvirt.VIR_DOMAIN_RUNNING:
            with self._translated('shut down domain', instance):
                dom.shutdown()
            if self._wait_shutoff(dom, instance, timeout, retry_interval):
                LOG.info('Instance %s shut down cleanly', instance['uuid'])
                return
            LOG.warning('Instance %s did not shut down in %d s; '
                        'destroying it', instance['uuid'], timeout)
        self._destroy_domain(dom, instance)

    def power_on(self, context, instance):
        dom = self.host.find(instance)
        if dom is None:
            self._recreate(context, instance)
            return
        state = self._state(dom, instance)
        if state == libvirt.VIR_DOMAIN_RUNNING:
            return
        if state == libvirt.VIR_DOMAIN_PAUSED:
            with self._translated('resume domain', instance):
                dom.resume()
            return
        self._destroy_domain(dom, instance)  # crashed or half-shut
        self._cold_start(dom, instance)

    def pause(self, instance):
        dom = self.host.lookup(instance)
        with self._translated('pause domain', instance):
            dom.suspend()

    def unpause(self, instance):
        dom = self.host.lookup(instance)
        with self._translated('unpause domain', instance):
            dom.resume()

    def suspend(self, context, instance):
        dom = self.host.lookup(instance)
        with self._translated('save domain', instance):
            dom.managedSave(0)

    def resume(self, context, instance):
        dom = self.host.lookup(instance)
        if self._state(dom, instance) == libvirt.VIR_DOMAIN_RUNNING:
            return
        with self._translated('restore domain', instance):
            dom.createWithFlags(0)

    # --- rescue, password, crash dump (see .rescue) -------------------------

    def rescue(self, context, instance, rescue_image_meta,
               admin_password=None):
        rescue.rescue(self, context, instance, rescue_image_meta)

    def unrescue(self, context, instance):
        rescue.unrescue(self, context, instance)

    def set_admin_password(self, instance, new_pass):
        rescue.set_admin_password(self, instance, new_pass)

    def trigger_crash_dump(self, instance):
        rescue.trigger_crash_dump(self, instance)

    def _define(self, instance, xml):
        with self._translated('define domain', instance):
            return self.host.get_connection().defineXML(xml)

    def _error(self, exc, action, instance):
        return errors.from_libvirt(exc, action, instance, self.host.uri)

    # --- resize (on this host only; see .resize) ---------------------------

    #: Guests' disks are local files and no storage is shared, so a resize
    #: never leaves the host; the conductor offers only this host. No live
    #: migration either (it needs storage shared or copied between hosts
    #: and libvirt's peer-to-peer transport, which nova-core does not set
    #: up): the API refuses it for a server on this driver. Interfaces are
    #: hot-plugged (see :mod:`.hotplug`).
    capabilities = {'supports_migrate_to_other_host': False,
                    'supports_live_migration': False,
                    'supports_attach_interface': True}

    def attach_interface(self, context, instance, vif):
        hotplug.attach(self, instance, vif)

    def detach_interface(self, context, instance, vif):
        hotplug.detach(self, instance, vif)

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   timeout=0, retry_interval=0):
        return resize.migrate_disk_and_power_off(
            self, context, instance, dest, flavor, timeout, retry_interval)

    def finish_migration(self, context, migration, instance, disk_info,
                         image_meta, resize_instance, power_on=True):
        resize.finish_migration(self, context, migration, instance,
                                disk_info, image_meta, resize_instance,
                                power_on)

    def confirm_migration(self, context, migration, instance):
        resize.confirm_migration(self, context, migration, instance)

    def finish_revert_migration(self, context, instance, migration,
                                power_on=True):
        resize.finish_revert_migration(self, context, instance, migration,
                                       power_on)

    # --- snapshot (see .snapshot) -------------------------------------------

    def snapshot(self, context, instance, image_id, upload):
        snapshot.snapshot(self, context, instance, image_id, upload)
