"""A small but real driver: guests kept in memory with real state changes.

Power operations follow the rules a hypervisor enforces (you cannot pause a
stopped guest), and ``[fake]`` options make it slow or failing.
"""
import io
import json
import re
import threading
import time

from nova_core import exception
from nova_core.compute import power_state
from nova_core.virt import driver
from nova_core_drivers.fake import conf as fake_conf


class FakeDriver(driver.ComputeDriver):

    def __init__(self, conf, image_service=None):
        super().__init__(conf, image_service)
        fake_conf.register_opts(conf)
        self._guests = {}  # uuid -> {'state', 'name', 'console': [lines]}
        self._lock = threading.Lock()

    # --- helpers ---------------------------------------------------------

    def _maybe_fail(self, operation, instance):
        opts = self.conf.fake
        if operation not in opts.fail_operations:
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

    # --- the driver interface -------------------------------------------

    def init_host(self, host):
        self.host = host

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
                'console': ['[fake] %s booted from image %s' % (
                    instance['name'], image_meta.get('id'))],
            }
        self.emit_event(driver.LifecycleEvent(instance['uuid'],
                                              power_state.RUNNING))

    def destroy(self, context, instance, destroy_disks=True):
        self._maybe_fail('destroy', instance)
        with self._lock:
            self._guests.pop(instance['uuid'], None)

    def reboot(self, context, instance, reboot_type):
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

    def snapshot(self, context, instance, image_id, upload):
        self._maybe_fail('snapshot', instance)
        with self._lock:
            self._guest(instance)
        upload(io.BytesIO(b'fake snapshot of ' + instance['uuid'].encode()),
               'raw')

    # --- rebuild and resize ---------------------------------------------

    #: Guests live in memory, so one can "move" to another fake host.
    capabilities = {'supports_migrate_to_other_host': True}

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

    def confirm_migration(self, context, migration, instance):
        self._maybe_fail('confirm_migration', instance)
        if migration['source_compute'] != migration['dest_compute']:
            with self._lock:
                self._guests.pop(instance['uuid'], None)

    def finish_revert_migration(self, context, instance, migration,
                                power_on=True):
        self._maybe_fail('finish_revert_migration', instance)
        state = power_state.RUNNING if power_on else power_state.SHUTDOWN
        with self._lock:
            guest = self._guest(instance)
            guest.update(state=state, flavor=instance['flavor'])
            guest['console'].append('[fake] reverted to flavor %s' % (
                instance['flavor'] or {}).get('name'))

    def get_console_output(self, context, instance):
        self._maybe_fail('get_console_output', instance)
        with self._lock:
            return '\n'.join(self._guest(instance)['console']) + '\n'
