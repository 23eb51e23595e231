"""A small but real driver: guests with real state changes.

Power operations follow the rules a hypervisor enforces (you cannot pause a
stopped guest), and ``[fake]`` options make it slow or failing. Like a
hypervisor's, its guests outlive the compute service: each is kept, with
its power state, in its own small file
``$state_path/fake-hypervisor/<host>/<uuid>.json``, replaced atomically
(write a temporary file, rename it over) when that guest changes, so a
change costs the same with 10 guests or 10,000 (~0.25 ms of CPU; rewriting
one file of all guests cost 1.7 ms at 200 guests, 8.4 ms at 1,000: see
``bench/RESULTS.md``). Files are not fsynced: a guest's record survives
the compute process (a restart, a ``kill -9``), not a power loss of the
machine, which a real hypervisor's guests do not survive either. A start
or hard reboot of a guest that is missing recreates it from the instance,
as Nova's libvirt driver regenerates a domain.
"""
import io
import json
import os
import re
import threading
import time

from nova_core import exception
from nova_core.compute import power_state
from nova_core.virt import driver
from nova_core_drivers.fake import conf as fake_conf
from nova_core_drivers.fake import rfb
from nova_core_drivers.fake.console_server import ConsoleServer, echo

#: Console lines kept per guest.
CONSOLE_LINES = 200

#: What a fake guest prints while it boots, as a real guest's serial console
#: shows a few lines of kernel and init output (clients such as Tempest ask
#: for the last N lines and expect N).
BOOT_LOG = (
    '[    0.000000] Linux version 6.1.0-fake (nova-core fake driver)',
    '[    0.000000] Command line: console=ttyS0 root=/dev/vda1',
    '[    0.412000] virtio_blk virtio1: [vda] disk attached',
    '[    1.023000] EXT4-fs (vda1): mounted filesystem',
    '[    1.850000] cloud-init: metadata read, hostname set to %(name)s',
    '%(name)s login: ',
)


class FakeDriver(driver.ComputeDriver):

    def __init__(self, conf, image_service=None):
        super().__init__(conf, image_service)
        fake_conf.register_opts(conf)
        self._guests = {}  # uuid -> {'state', 'console': [lines], ...}
        self._lock = threading.Lock()
        self._path = None  # where the guests are kept, set by init_host
        self._serial = ConsoleServer(echo, name='fake-serial-console')
        self._vnc = ConsoleServer(rfb.serve, name='fake-vnc-console')

    # --- persistence -----------------------------------------------------

    def _load(self):
        """Read every guest's file; a ``<host>.json`` of all guests (how
        guests were kept before) is split into files of their own."""
        self._guests = {}
        for name in os.listdir(self._path):
            if not name.endswith('.json'):
                continue  # a temporary file left by a crash mid-write
            with open(os.path.join(self._path, name)) as f:
                self._guests[name[:-len('.json')]] = json.load(f)
        legacy = self._path + '.json'
        if os.path.exists(legacy):
            with open(legacy) as f:
                guests = json.load(f)
            for uuid, guest in guests.items():
                self._guests.setdefault(uuid, guest)
                self._save(uuid)
            os.unlink(legacy)

    def _file(self, uuid):
        return os.path.join(self._path, uuid + '.json')

    def _save(self, uuid):
        """Write out the guest ``uuid``, or remove its file if it is gone;
        called with the lock held."""
        if self._path is None:
            return
        guest = self._guests.get(uuid)
        if guest is None:
            try:
                os.unlink(self._file(uuid))
            except FileNotFoundError:
                pass
            return
        del guest['console'][:-CONSOLE_LINES]
        tmp = self._file(uuid) + '.tmp'
        with open(tmp, 'w') as f:
            f.write(json.dumps(guest))
        os.replace(tmp, self._file(uuid))

    # --- helpers ---------------------------------------------------------

    def _maybe_fail(self, operation, instance):
        opts = self.conf.fake
        if operation not in opts.fail_operations:
            return
        if opts.fail_hosts and self.conf.host not in opts.fail_hosts:
            return
        pattern = opts.fail_instance_names
        if pattern and not re.search(pattern,
                                     instance.get('display_name') or ''):
            return
        raise exception.VirtDriverError(
            reason='fake driver told to fail %s' % operation)

    def _guest(self, instance):
        guest = self._guests.get(instance['uuid'])
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        return guest

    def _transition(self, operation, instance, allowed_from, new_state,
                    delay=None):
        self._maybe_fail(operation, instance)
        time.sleep(self.conf.fake.power_delay if delay is None else delay)
        with self._lock:
            guest = self._guest(instance)
            if guest['state'] not in allowed_from:
                raise exception.VirtDriverError(
                    reason='cannot %s a guest that is %s' % (
                        operation, power_state.STATE_MAP[guest['state']]))
            guest['state'] = new_state
            guest['console'].append('[fake] %s: %s' % (
                operation, power_state.STATE_MAP[new_state]))
            self._save(instance['uuid'])

    def _recreate_if_missing(self, instance):
        """A guest the hypervisor lost comes back, shut off, from what the
        instance says of it (its flavor), as libvirt's hard reboot
        regenerates the domain."""
        with self._lock:
            if instance['uuid'] in self._guests:
                return
            self._guests[instance['uuid']] = {
                'state': power_state.SHUTDOWN,
                'flavor': instance.get('flavor'),
                'console': ['[fake] %s recreated from image %s' % (
                    instance['name'], instance.get('image_ref'))]}
            self._save(instance['uuid'])

    # --- the driver interface -------------------------------------------

    def init_host(self, host):
        self.host = host
        self._path = os.path.join(self.conf.state_path, 'fake-hypervisor',
                                  host)
        os.makedirs(self._path, exist_ok=True)
        with self._lock:
            self._load()

    def cleanup_host(self, host):
        self._serial.close()
        self._vnc.close()

    def get_available_resource(self):
        opts = self.conf.fake
        return {
            'vcpus': opts.vcpus, 'memory_mb': opts.memory_mb,
            'local_gb': opts.local_gb, 'vcpus_used': 0,
            'memory_mb_used': 0, 'local_gb_used': 0,
            'hypervisor_type': 'fake', 'hypervisor_version': 1000,
            'hypervisor_hostname': self.conf.host,
            'cpu_info': json.dumps({'arch': 'x86_64', 'model': 'fake'}),
        }

    def list_instances(self):
        with self._lock:
            return list(self._guests)

    def get_info(self, instance):
        with self._lock:
            return driver.InstanceInfo(state=self._guest(instance)['state'])

    def spawn(self, context, instance, image_meta, admin_password=None):
        time.sleep(self.conf.fake.spawn_delay)
        self._maybe_fail('spawn', instance)
        with self._lock:
            if instance['uuid'] in self._guests:
                raise exception.InstanceExists(name=instance['name'])
            self._guests[instance['uuid']] = {
                'state': power_state.RUNNING,
                'flavor': instance.get('flavor'),
                'interfaces': [self._nic(v) for v in
                               instance.get('network_info') or ()],
                'console': ['[fake] %s booted from image %s' % (
                    instance['name'], image_meta.get('id'))] + [
                    line % {'name': instance['name']} for line in BOOT_LOG],
            }
            self._save(instance['uuid'])
        self.emit_event(driver.LifecycleEvent(instance['uuid'],
                                              power_state.RUNNING))

    def destroy(self, context, instance, destroy_disks=True):
        self._maybe_fail('destroy', instance)
        with self._lock:
            if self._guests.pop(instance['uuid'], None) is not None:
                self._save(instance['uuid'])

    def reboot(self, context, instance, reboot_type):
        if reboot_type == 'HARD':
            self._recreate_if_missing(instance)
        self._transition('reboot', instance, (power_state.RUNNING,
                                              power_state.SHUTDOWN,
                                              power_state.CRASHED),
                         power_state.RUNNING)

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._transition('power_off', instance,
                         (power_state.RUNNING, power_state.PAUSED,
                          power_state.SHUTDOWN, power_state.CRASHED),
                         power_state.SHUTDOWN)

    def power_on(self, context, instance):
        self._recreate_if_missing(instance)
        self._transition('power_on', instance,
                         (power_state.SHUTDOWN, power_state.RUNNING,
                          power_state.CRASHED), power_state.RUNNING)

    def pause(self, instance):
        self._transition('pause', instance, (power_state.RUNNING,),
                         power_state.PAUSED)

    def unpause(self, instance):
        self._transition('unpause', instance, (power_state.PAUSED,),
                         power_state.RUNNING)

    def suspend(self, context, instance):
        self._transition('suspend', instance, (power_state.RUNNING,),
                         power_state.SUSPENDED)

    def resume(self, context, instance):
        self._transition('resume', instance, (power_state.SUSPENDED,),
                         power_state.RUNNING)

    def resume_state_on_host_boot(self, context, instance):
        self._maybe_fail('resume_state_on_host_boot', instance)
        with self._lock:
            self._guests.setdefault(instance['uuid'], {
                'state': power_state.RUNNING,
                'console': ['[fake] %s resumed after host boot'
                            % instance['name']]})
            self._save(instance['uuid'])

    def snapshot(self, context, instance, image_id, upload):
        self._maybe_fail('snapshot', instance)
        with self._lock:
            self._guest(instance)
        upload(io.BytesIO(b'fake snapshot of ' + instance['uuid'].encode()),
               'raw')

    # --- rescue, password, crash dump -----------------------------------

    def rescue(self, context, instance, rescue_image_meta,
               admin_password=None):
        """The guest runs from the rescue image; what it ran before is kept
        in the record for the unrescue."""
        self._maybe_fail('rescue', instance)
        with self._lock:
            guest = self._guest(instance)
            guest['rescue'] = {'state': guest['state'],
                               'image': rescue_image_meta.get('id')}
            guest['state'] = power_state.RUNNING
            guest['console'].append('[fake] %s rescued with image %s' % (
                instance['name'], rescue_image_meta.get('id')))
            self._save(instance['uuid'])

    def unrescue(self, context, instance):
        self._maybe_fail('unrescue', instance)
        with self._lock:
            guest = self._guest(instance)
            guest.pop('rescue', None)
            guest['state'] = power_state.RUNNING
            guest['console'].append('[fake] %s unrescued' % instance['name'])
            self._save(instance['uuid'])

    def set_admin_password(self, instance, new_pass):
        """Kept with the guest, as a guest agent would set it."""
        self._maybe_fail('set_admin_password', instance)
        with self._lock:
            guest = self._guest(instance)
            if guest['state'] != power_state.RUNNING:
                raise exception.InstanceNotRunning(
                    instance_id=instance['uuid'])
            guest['admin_password'] = new_pass
            guest['console'].append('[fake] admin password set')
            self._save(instance['uuid'])

    def trigger_crash_dump(self, instance):
        """Counted and logged on the console, as a kernel prints its
        NMI."""
        self._maybe_fail('trigger_crash_dump', instance)
        with self._lock:
            guest = self._guest(instance)
            if guest['state'] != power_state.RUNNING:
                raise exception.InstanceNotRunning(
                    instance_id=instance['uuid'])
            guest['crash_dumps'] = guest.get('crash_dumps', 0) + 1
            guest['console'].append('[fake] Kernel panic - not syncing: '
                                    'NMI: Not continuing')
            self._save(instance['uuid'])

    def guest(self, instance_uuid):
        """A copy of a guest's record (for tests and tools)."""
        with self._lock:
            return json.loads(json.dumps(self._guests[instance_uuid]))

    # --- rebuild and resize ---------------------------------------------

    #: A guest's record can "move" to another fake host, also live, and
    #: records the interfaces attached to it.
    capabilities = {'supports_migrate_to_other_host': True,
                    'supports_live_migration': True,
                    'supports_attach_interface': True}

    # --- interfaces ------------------------------------------------------

    @staticmethod
    def _nic(vif):
        return {k: vif.get(k) for k in ('port_id', 'mac', 'address',
                                         'network', 'tag')}

    def attach_interface(self, context, instance, vif):
        self._maybe_fail('attach_interface', instance)
        with self._lock:
            guest = self._guest(instance)
            nics = guest.setdefault('interfaces', [])
            if vif['mac'] in {n['mac'] for n in nics}:
                raise exception.VirtDriverError(
                    reason='the guest has an interface with MAC %s already'
                    % vif['mac'])
            nics.append(self._nic(vif))
            guest['console'].append('[fake] interface %s attached' %
                                    vif['mac'])
            self._save(instance['uuid'])

    def detach_interface(self, context, instance, vif):
        self._maybe_fail('detach_interface', instance)
        with self._lock:
            guest = self._guest(instance)
            guest['interfaces'] = [n for n in guest.get('interfaces', ())
                                   if n['mac'] != vif['mac']]
            guest['console'].append('[fake] interface %s detached' %
                                    vif['mac'])
            self._save(instance['uuid'])

    def get_instance_diagnostics(self, instance):
        """The base's, with the guest's interfaces (no counters)."""
        result = super().get_instance_diagnostics(instance)
        with self._lock:
            nics = self._guest(instance).get('interfaces', [])
        result['num_nics'] = len(nics)
        result['nic_details'] = [dict(dict.fromkeys((
            'rx_octets', 'rx_errors', 'rx_drop', 'rx_packets', 'rx_rate',
            'tx_octets', 'tx_errors', 'tx_drop', 'tx_packets', 'tx_rate')),
            mac_address=n['mac']) for n in nics]
        return result

    def rebuild(self, context, instance, image_meta, admin_password=None,
                preserve_ephemeral=False):
        self._maybe_fail('rebuild', instance)
        super().rebuild(context, instance, image_meta,
                        admin_password=admin_password,
                        preserve_ephemeral=preserve_ephemeral)

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   timeout=0, retry_interval=0):
        self._maybe_fail('migrate_disk_and_power_off', instance)
        if (flavor.get('root_gb') or 0) < (instance.get('root_gb') or 0):
            raise exception.CannotResizeDisk(
                reason='Unable to resize disk down.')
        self.power_off(instance)
        with self._lock:
            guest = self._guest(instance)
            guest['console'].append('[fake] migrating to %s' % dest)
            self._save(instance['uuid'])
            return {'flavor': guest.get('flavor') or instance.get('flavor')}

    def finish_migration(self, context, migration, instance, disk_info,
                         image_meta, resize_instance, power_on=True):
        self._maybe_fail('finish_migration', instance)
        state = power_state.RUNNING if power_on else power_state.SHUTDOWN
        with self._lock:
            guest = self._guests.setdefault(instance['uuid'], {
                'console': ['[fake] %s arrived from %s' % (
                    instance['name'], migration['source_compute'])]})
            guest.update(state=state, flavor=instance['flavor'])
            guest['console'].append('[fake] resized to flavor %s' % (
                instance['flavor'] or {}).get('name'))
            self._save(instance['uuid'])

    def confirm_migration(self, context, migration, instance):
        self._maybe_fail('confirm_migration', instance)
        if migration['source_compute'] != migration['dest_compute']:
            with self._lock:
                self._guests.pop(instance['uuid'], None)
                self._save(instance['uuid'])

    def finish_revert_migration(self, context, instance, migration,
                                power_on=True):
        self._maybe_fail('finish_revert_migration', instance)
        state = power_state.RUNNING if power_on else power_state.SHUTDOWN
        with self._lock:
            guest = self._guest(instance)
            guest.update(state=state, flavor=instance['flavor'])
            guest['console'].append('[fake] reverted to flavor %s' % (
                instance['flavor'] or {}).get('name'))
            self._save(instance['uuid'])

    # --- live migration: the guest's record travels in migrate_data ----

    def pre_live_migration(self, context, instance, migration):
        self._maybe_fail('pre_live_migration', instance)
        with self._lock:
            if instance['uuid'] in self._guests:
                raise exception.InstanceExists(name=instance['name'])
        return {'dest': self.conf.host}

    def live_migration(self, context, instance, migration, migrate_data):
        """The guest leaves this host at once (nothing to converge)."""
        self._maybe_fail('live_migration', instance)
        with self._lock:
            guest = self._guest(instance)
            if guest['state'] not in (power_state.RUNNING,
                                      power_state.PAUSED):
                raise exception.VirtDriverError(
                    reason='cannot live-migrate a guest that is %s'
                    % power_state.STATE_MAP[guest['state']])
            guest = self._guests.pop(instance['uuid'])
            guest['console'].append('[fake] live-migrated to %s'
                                    % migration['dest_compute'])
            self._save(instance['uuid'])
        return {'guest': guest}

    def post_live_migration_at_destination(self, context, instance,
                                           migration, migrate_data):
        self._maybe_fail('post_live_migration_at_destination', instance)
        guest = dict(migrate_data['guest'])
        guest['console'] = list(guest.get('console') or []) + [
            '[fake] arrived live from %s' % migration['source_compute']]
        with self._lock:
            self._guests[instance['uuid']] = guest
            self._save(instance['uuid'])

    def get_console_output(self, context, instance):
        self._maybe_fail('get_console_output', instance)
        with self._lock:
            return '\n'.join(self._guest(instance)['console']) + '\n'

    def _console_of(self, instance, server):
        """Every guest's serial console is the one echo server, every
        guest's VNC console the one RFB server."""
        with self._lock:
            self._guest(instance)
        host, port = server.address()
        return {'host': host, 'port': port, 'internal_access_path': None}

    def get_serial_console(self, context, instance):
        return self._console_of(instance, self._serial)

    def get_vnc_console(self, context, instance):
        return self._console_of(instance, self._vnc)
