"""LibvirtDriver against libvirt's test:///default hypervisor."""
import json
import os
import queue
import subprocess
import xml.etree.ElementTree as ET

import libvirt
import pytest

from nova_core import exception
from nova_core.compute import power_state
from nova_core.virt import driver as virt_driver
from nova_core_drivers.libvirt import driver as libvirt_driver
from nova_core_drivers.libvirt import host as libvirt_host

from .conftest import make_instance, needs_qemu_img

pytestmark = needs_qemu_img


def domain(drv, instance):
    return drv.host.lookup(instance)


def domain_tree(drv, instance):
    return ET.fromstring(domain(drv, instance).XMLDesc(0))


def state(drv, instance):
    return drv.get_info(instance).state


# --- spawn ---------------------------------------------------------------

def test_spawn_defines_guest_from_flavor_and_image(driver, qcow2_image):
    inst = make_instance(vcpus=2, memory_mb=192, root_gb=1)
    driver.spawn(None, inst, qcow2_image)

    assert state(driver, inst) == power_state.RUNNING
    tree = domain_tree(driver, inst)
    assert tree.get('type') == 'qemu'
    assert tree.findtext('uuid') == inst['uuid']
    assert tree.findtext('vcpu') == '2'
    assert int(tree.findtext('memory')) == 192 * 1024
    inst_dir = os.path.join(driver.instances_path, inst['uuid'])
    disk = tree.find('./devices/disk/source').get('file')
    assert disk == os.path.join(inst_dir, 'disk')
    log = tree.find('./devices/serial/log').get('file')
    assert log == os.path.join(inst_dir, 'console.log')
    assert tree.find('./os/boot').get('dev') == 'hd'
    info = json.loads(subprocess.check_output(
        ['qemu-img', 'info', '--output=json', disk]))
    assert info['format'] == 'qcow2'
    assert info['virtual-size'] == 1024 ** 3
    assert info['backing-filename'] == driver.image_cache.path_of(
        qcow2_image['id'])


def test_spawn_boots_kernel_and_ramdisk_of_ami_image(driver, ami_image,
                                                     images):
    inst = make_instance()
    driver.spawn(None, inst, ami_image)

    tree = domain_tree(driver, inst)
    inst_dir = os.path.join(driver.instances_path, inst['uuid'])
    assert tree.findtext('./os/kernel') == os.path.join(inst_dir, 'kernel')
    assert tree.findtext('./os/initrd') == os.path.join(inst_dir, 'ramdisk')
    assert tree.findtext('./os/cmdline') == \
        'root=/dev/vda quiet console=ttyS0'
    kernel_id = ami_image['properties']['kernel_id']
    with open(os.path.join(inst_dir, 'kernel'), 'rb') as f:
        assert f.read() == images.images[kernel_id][1]


def test_base_image_fetched_once_per_node(driver, qcow2_image, images):
    for _ in range(2):
        driver.spawn(None, make_instance(), qcow2_image)
    assert images.downloads == [qcow2_image['id']]


def test_spawn_refuses_existing_guest(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    with pytest.raises(exception.InstanceExists):
        driver.spawn(None, inst, qcow2_image)
    same_name = make_instance(name=inst['name'])
    with pytest.raises(exception.InstanceExists):
        driver.spawn(None, same_name, qcow2_image)
    assert state(driver, inst) == power_state.RUNNING
    assert not os.path.exists(
        os.path.join(driver.instances_path, same_name['uuid']))


def _fail_checksum(images, image):
    images.fail_with = exception.ImageChecksumMismatch(
        image_id=image['id'], expected='a', actual='b')


def _libvirt_error(message):
    """A libvirtError not tied to libvirt's last (unrelated) error."""
    libvirt.virResetLastError()
    return libvirt.libvirtError(message)


def _fail_define(monkeypatch):
    def define(self, xml):
        raise _libvirt_error('bad XML')
    monkeypatch.setattr(libvirt.virConnect, 'defineXML', define)


def _fail_start(monkeypatch):
    def create(self, flags=0):
        raise _libvirt_error('cannot start')
    monkeypatch.setattr(libvirt.virDomain, 'createWithFlags', create)


@pytest.mark.parametrize('failure, error', [
    ('checksum', exception.ImageChecksumMismatch),
    ('format', exception.ImageUnacceptable),
    ('disk_too_small', exception.FlavorDiskTooSmall),
    ('define', exception.VirtDriverError),
    ('start', exception.VirtDriverError),
])
def test_failed_spawn_leaves_nothing(driver, qcow2_image, images,
                                     monkeypatch, failure, error):
    inst = make_instance()
    image = dict(qcow2_image)
    if failure == 'checksum':
        _fail_checksum(images, image)
    elif failure == 'format':
        image['disk_format'] = 'vmdk'
    elif failure == 'disk_too_small':
        inst['root_gb'] = 0.001
    elif failure == 'define':
        _fail_define(monkeypatch)
    else:
        _fail_start(monkeypatch)

    with pytest.raises(error):
        driver.spawn(None, inst, image)

    assert driver.host.find(inst) is None
    assert inst['uuid'] not in driver.list_instances()
    assert not os.path.exists(
        os.path.join(driver.instances_path, inst['uuid']))


# --- destroy -------------------------------------------------------------

def test_destroy_is_idempotent_and_removes_files(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    inst_dir = os.path.join(driver.instances_path, inst['uuid'])
    assert os.path.isdir(inst_dir)

    driver.destroy(None, inst)
    driver.destroy(None, inst)

    assert driver.host.find(inst) is None
    assert not os.path.exists(inst_dir)
    with pytest.raises(exception.InstanceNotFound):
        driver.get_info(inst)


def test_destroy_keeps_disks_when_asked(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    driver.destroy(None, inst, destroy_disks=False)
    assert driver.host.find(inst) is None
    assert os.path.exists(
        os.path.join(driver.instances_path, inst['uuid'], 'disk'))


def test_destroy_of_suspended_guest_drops_saved_state(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    driver.suspend(None, inst)
    driver.destroy(None, inst)
    assert driver.host.find(inst) is None


# --- listing and info ----------------------------------------------------

def test_list_instances_lists_only_own_guests(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    listed = driver.list_instances()
    assert inst['uuid'] in listed
    # test:///default always has a domain "test" that nova-core did not make
    test_dom = driver.host.get_connection().lookupByName('test')
    assert test_dom.UUIDString() not in listed


def test_get_info_unknown_instance(driver):
    with pytest.raises(exception.InstanceNotFound):
        driver.get_info(make_instance())
    assert driver.instance_power_state(make_instance()) == \
        power_state.NOSTATE


def test_available_resource_comes_from_host(driver):
    res = driver.get_available_resource()
    info = driver.host.get_connection().getInfo()
    assert res['vcpus'] == info[2]
    assert res['memory_mb'] == info[1]
    assert res['local_gb'] > 0
    assert res['hypervisor_type'] == 'TEST'
    assert isinstance(res['hypervisor_version'], int)
    assert res['hypervisor_hostname']
    assert 'arch' in json.loads(res['cpu_info'])


# --- power operations -----------------------------------------------------

@pytest.fixture
def running(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    return inst


def test_power_off_and_on(driver, running):
    driver.power_off(running, timeout=5, retry_interval=1)
    assert state(driver, running) == power_state.SHUTDOWN
    driver.power_off(running, timeout=5)  # already off: fine
    driver.power_on(None, running)
    assert state(driver, running) == power_state.RUNNING
    driver.power_on(None, running)  # already on: fine
    assert state(driver, running) == power_state.RUNNING


def _ignore_acpi(monkeypatch):
    calls = []
    monkeypatch.setattr(libvirt.virDomain, 'shutdown',
                        lambda self: calls.append(self.name()) or 0)
    return calls


def test_power_off_destroys_guest_ignoring_acpi(driver, running,
                                                monkeypatch):
    calls = _ignore_acpi(monkeypatch)
    driver.power_off(running, timeout=2, retry_interval=1)
    assert state(driver, running) == power_state.SHUTDOWN
    assert len(calls) >= 2  # first request and at least one retry


def test_power_off_without_timeout_destroys(driver, running, monkeypatch):
    calls = _ignore_acpi(monkeypatch)
    driver.power_off(running)
    assert calls == []
    assert state(driver, running) == power_state.SHUTDOWN


@pytest.mark.parametrize('reboot_type', ['SOFT', 'HARD'])
def test_reboot(driver, running, monkeypatch, reboot_type):
    destroyed = []
    real_destroy = libvirt.virDomain.destroy
    monkeypatch.setattr(libvirt.virDomain, 'destroy',
                        lambda self: destroyed.append(1) or
                        real_destroy(self))
    driver.reboot(None, running, reboot_type)
    assert state(driver, running) == power_state.RUNNING
    assert destroyed == ([] if reboot_type == 'SOFT' else [1])


def test_soft_reboot_falls_back_to_hard(driver, running, monkeypatch):
    _ignore_acpi(monkeypatch)
    destroyed = []
    real_destroy = libvirt.virDomain.destroy
    monkeypatch.setattr(libvirt.virDomain, 'destroy',
                        lambda self: destroyed.append(1) or
                        real_destroy(self))
    driver.reboot(None, running, 'SOFT')
    assert destroyed == [1]
    assert state(driver, running) == power_state.RUNNING


def test_soft_reboot_of_stopped_guest_starts_it(driver, running):
    driver.power_off(running)
    driver.reboot(None, running, 'SOFT')
    assert state(driver, running) == power_state.RUNNING


def test_pause_unpause(driver, running):
    driver.pause(running)
    assert state(driver, running) == power_state.PAUSED
    driver.unpause(running)
    assert state(driver, running) == power_state.RUNNING


def test_suspend_resume(driver, running):
    driver.suspend(None, running)
    assert state(driver, running) == power_state.SUSPENDED
    driver.resume(None, running)
    assert state(driver, running) == power_state.RUNNING


def test_power_on_after_suspend_cold_boots(driver, running):
    driver.suspend(None, running)
    driver.power_on(None, running)
    assert state(driver, running) == power_state.RUNNING
    assert not domain(driver, running).hasManagedSaveImage(0)


@pytest.mark.parametrize('op', ['reboot', 'power_off', 'pause',
                                'unpause', 'suspend', 'resume',
                                'get_console_output'])
def test_operations_on_unknown_instance(driver, op):
    inst = make_instance()
    calls = {
        'reboot': lambda: driver.reboot(None, inst, 'SOFT'),
        'power_off': lambda: driver.power_off(inst),
        'pause': lambda: driver.pause(inst),
        'unpause': lambda: driver.unpause(inst),
        'suspend': lambda: driver.suspend(None, inst),
        'resume': lambda: driver.resume(None, inst),
        'get_console_output': lambda: driver.get_console_output(None, inst),
    }
    with pytest.raises(exception.InstanceNotFound):
        calls[op]()


def _recorded(image):
    """What an instance's system metadata recorded of its image."""
    return {'image_ref': image['id'], 'system_metadata': {
        'image_disk_format': image['disk_format'],
        'image_container_format': image['container_format']}}


@pytest.mark.parametrize('recreate', [
    lambda drv, inst: drv.power_on(None, inst),
    lambda drv, inst: drv.reboot(None, inst, 'HARD')],
    ids=['power_on', 'hard_reboot'])
def test_a_lost_domain_is_defined_again_keeping_its_disk(driver, qcow2_image,
                                                         recreate):
    inst = make_instance(**_recorded(qcow2_image))
    driver.spawn(None, inst, qcow2_image)
    disk_path = os.path.join(driver._dir(inst), 'disk')
    with open(disk_path, 'ab') as f:
        f.write(b'guest data')
    size = os.path.getsize(disk_path)
    driver.destroy(None, inst, destroy_disks=False)  # libvirt lost it
    assert driver.host.find(inst) is None
    recreate(driver, inst)
    assert state(driver, inst) == power_state.RUNNING
    assert os.path.getsize(disk_path) == size
    disks = domain_tree(driver, inst).findall('./devices/disk/source')
    assert disk_path in [d.get('file') for d in disks]


def test_a_lost_guest_without_files_is_made_again_from_its_image(
        driver, qcow2_image):
    inst = make_instance(**_recorded(qcow2_image))
    driver.spawn(None, inst, qcow2_image)
    driver.destroy(None, inst)  # domain and files gone
    driver.power_on(None, inst)
    assert state(driver, inst) == power_state.RUNNING
    assert os.path.exists(os.path.join(driver._dir(inst), 'disk'))


def test_invalid_operation_is_typed_error(driver, running):
    with pytest.raises(exception.VirtDriverError, match='unpause domain'):
        driver.unpause(running)  # not paused


# --- snapshot and console ------------------------------------------------

@pytest.mark.parametrize('before', [power_state.RUNNING, power_state.PAUSED,
                                    power_state.SHUTDOWN])
def test_snapshot_uploads_standalone_qcow2(driver, running, tmp_path,
                                           before):
    if before == power_state.PAUSED:
        driver.pause(running)
    elif before == power_state.SHUTDOWN:
        driver.power_off(running)
    uploaded = {}

    def upload(fileobj, disk_format):
        path = tmp_path / 'uploaded.qcow2'
        path.write_bytes(fileobj.read())
        uploaded.update(format=disk_format, path=str(path))

    driver.snapshot(None, running, 'snap-1', upload)

    assert uploaded['format'] == 'qcow2'
    info = json.loads(subprocess.check_output(
        ['qemu-img', 'info', '--output=json', uploaded['path']]))
    assert info['format'] == 'qcow2'
    assert 'backing-filename' not in info
    assert state(driver, running) == before
    assert os.listdir(os.path.join(driver.instances_path, 'snapshots')) == []


def test_console_output_reads_log_tail(driver, running, conf):
    assert driver.get_console_output(None, running) == ''
    conf.set_override('console_output_max_bytes', 1024, group='libvirt')
    log = os.path.join(driver.instances_path, running['uuid'], 'console.log')
    with open(log, 'wb') as f:
        f.write(b'x' * 5000 + b'\n[    0.000000] Linux version 6.1\xff\n')
    out = driver.get_console_output(None, running)
    assert len(out.encode()) <= 1024 + 2
    assert out.endswith('Linux version 6.1\ufffd\n')


# --- lifecycle events ----------------------------------------------------

def test_lifecycle_events_become_power_states(driver, qcow2_image):
    events = queue.Queue()
    driver.register_event_listener(events.put)
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    driver.power_off(inst)
    driver.power_on(None, inst)
    driver.pause(inst)
    seen = []
    while len(seen) < 4:
        event = events.get(timeout=5)
        if event.instance_uuid == inst['uuid']:
            seen.append(event.power_state)
    assert seen == [power_state.RUNNING, power_state.SHUTDOWN,
                    power_state.RUNNING, power_state.PAUSED]


def test_stopped_event_held_back_while_rebooting():
    events = queue.Queue()
    dispatcher = libvirt_host.EventDispatcher(events.put, stopped_delay=0.5)
    dispatcher.put('a', power_state.SHUTDOWN)
    dispatcher.put('a', power_state.RUNNING)   # a reboot: stop, start
    dispatcher.put('b', power_state.SHUTDOWN)  # a real stop
    assert events.get(timeout=2) == virt_driver.LifecycleEvent(
        'a', power_state.RUNNING)
    assert events.get(timeout=2) == virt_driver.LifecycleEvent(
        'b', power_state.SHUTDOWN)
    assert events.empty()
    dispatcher.stop()


# --- errors and loading --------------------------------------------------

def test_unreachable_hypervisor(conf, images):
    conf.set_override('connection_uri', 'test:///no/such/node.xml',
                      group='libvirt')
    drv = libvirt_driver.LibvirtDriver(conf, image_service=images)
    with pytest.raises(exception.HypervisorUnavailable):
        drv.init_host('node1')


def test_loaded_through_entry_point(conf, images):
    from nova_core.virt import loader
    conf.register_opts([])
    conf.set_override('compute_driver', 'libvirt')
    drv = loader.load_compute_driver(conf, image_service=images)
    assert isinstance(drv, libvirt_driver.LibvirtDriver)
