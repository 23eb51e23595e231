"""A real guest under QEMU TCG through the libvirt driver.

Needs what ``.ci/setup-libvirt.sh`` installs and builds: libvirtd and
virtlogd running, and a Debian cloud kernel with a busybox initramfs in
/var/lib/libvirt/images/nova-core-guest. Two levels:

* the driver alone, with an image service over the local files;
* the whole cloud: nova-core-all with ``compute_driver = libvirt``, the
  images uploaded through the Glance v2 API, the server driven through the
  Compute API v2.1 (boot, console output, changePassword, reboot, stop,
  start, delete).
"""
import os
import shutil
import tempfile

import pytest

from nova_core.compute import power_state
from tests.fixtures.services import require
from tests.integration import libvirt_guest as guest
from tests.integration.libvirt_guest import UP_LINE, wait_for

BOOT_TIMEOUT = 120


@pytest.fixture(scope='module')
def host_ready():
    try:
        import libvirt  # noqa: F401
    except ImportError:
        require(False, 'libvirt-python is not installed '
                       '(run .ci/setup-libvirt.sh)')
    require(guest.libvirtd_answers(), 'libvirtd does not answer on '
            f'{guest.URI} (run .ci/setup-libvirt.sh)')
    require(guest.guest_built(), f'no guest kernel/initramfs in '
            f'{guest.GUEST_DIR} (run .ci/setup-libvirt.sh)')


@pytest.fixture(scope='module')
def state_dir(host_ready):
    # QEMU (uid 64055) must read the instance files and every parent.
    path = tempfile.mkdtemp(prefix='nova-core-it-',
                            dir='/var/lib/libvirt/images')
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


# --- the driver alone ----------------------------------------------------

@pytest.fixture(scope='module')
def driver(state_dir):
    from oslo_config import cfg

    from nova_core.conf import default as default_conf
    from nova_core_drivers.libvirt import conf as libvirt_conf
    from nova_core_drivers.libvirt import driver as libvirt_driver

    conf = cfg.ConfigOpts()
    default_conf.register_opts(conf)
    libvirt_conf.register_opts(conf)
    conf([], project='nova-core-test')
    conf.set_override('instances_path', os.path.join(state_dir, 'drv'))
    for name, value in {'connection_uri': guest.URI, 'virt_type': 'qemu',
                        'wait_soft_reboot_seconds': 60,
                        'image_cache_manager_interval': 0}.items():
        conf.set_override(name, value, group='libvirt')
    drv = libvirt_driver.LibvirtDriver(conf, guest.LocalImages())
    drv.init_host('it-host')
    yield drv
    for inst_uuid in drv.list_instances():
        drv.destroy(None, {'uuid': inst_uuid, 'name': inst_uuid})
    drv.cleanup_host('it-host')


def _console_has(drv, instance, text, count=1):
    return drv.get_console_output(None, instance).count(text) >= count


def test_driver_runs_a_tcg_guest(driver, caplog):
    inst = guest.make_instance()
    driver.spawn(None, inst, driver.image_service.machine)
    tree = driver.host.lookup(inst).XMLDesc(0)
    assert "type='qemu'" in tree.split('\n')[0]
    assert wait_for(lambda: _console_has(driver, inst, UP_LINE),
                    BOOT_TIMEOUT), driver.get_console_output(None, inst)
    out = driver.get_console_output(None, inst)
    assert guest.KERNEL_LINE in out  # the kernel's own messages

    driver.reboot(None, inst, 'SOFT')  # ACPI: busybox acpid powers off
    assert wait_for(lambda: _console_has(driver, inst, UP_LINE, 2),
                    BOOT_TIMEOUT)
    driver.reboot(None, inst, 'HARD')
    assert wait_for(lambda: _console_has(driver, inst, UP_LINE, 3),
                    BOOT_TIMEOUT)

    driver.power_off(inst, timeout=30, retry_interval=10)
    assert driver.get_info(inst).state == power_state.SHUTDOWN
    driver.power_on(None, inst)
    assert driver.get_info(inst).state == power_state.RUNNING
    assert wait_for(lambda: _console_has(driver, inst, UP_LINE, 4),
                    BOOT_TIMEOUT)

    driver.pause(inst)
    assert driver.get_info(inst).state == power_state.PAUSED
    driver.unpause(inst)
    driver.suspend(None, inst)
    assert driver.get_info(inst).state == power_state.SUSPENDED
    driver.resume(None, inst)
    assert driver.get_info(inst).state == power_state.RUNNING

    res = driver.get_available_resource()
    assert res['hypervisor_type'] == 'QEMU' and res['vcpus_used'] >= 1
    assert 'ignored the soft reboot' not in caplog.text  # ACPI worked

    inst_dir = os.path.join(driver.instances_path, inst['uuid'])
    driver.destroy(None, inst)
    driver.destroy(None, inst)
    assert not os.path.exists(inst_dir)
    assert inst['uuid'] not in driver.list_instances()


def test_driver_snapshot_of_running_guest(driver, tmp_path):
    inst = guest.make_instance()
    driver.spawn(None, inst, driver.image_service.machine)
    assert wait_for(lambda: _console_has(driver, inst, UP_LINE),
                    BOOT_TIMEOUT)
    got = {}

    def upload(fileobj, disk_format):
        got['size'] = len(fileobj.read())
        got['format'] = disk_format

    driver.snapshot(None, inst, 'it-snap', upload)
    assert got['format'] == 'qcow2' and got['size'] > 0
    assert driver.get_info(inst).state == power_state.RUNNING
    driver.destroy(None, inst)


# --- the whole cloud, through the API ------------------------------------

@pytest.fixture(scope='module')
def cloud(state_dir):
    require(shutil.which('nova-core-all'), 'nova-core-all is not installed')
    api_dir = os.path.join(state_dir, 'api')
    os.makedirs(api_dir, mode=0o755)
    all_in_one = guest.NovaCoreAll(api_dir)
    all_in_one.start()
    yield all_in_one
    all_in_one.stop()


def _api_console_has(cloud, server_id, text, count=1):
    return cloud.console(server_id).count(text) >= count


def test_api_boot_console_reboot_stop_start_delete(cloud):
    image_id = cloud.upload_guest()
    server_id = cloud.boot(image_id, 'it-libvirt')
    assert cloud.wait_status(server_id, 'ACTIVE'), cloud.log()
    assert wait_for(lambda: _api_console_has(cloud, server_id, UP_LINE),
                    BOOT_TIMEOUT), cloud.console(server_id)
    assert guest.KERNEL_LINE in cloud.console(server_id)
    server = cloud.server(server_id)
    assert server['OS-EXT-STS:power_state'] == power_state.RUNNING

    # The image does not ask for the QEMU guest agent: Nova's 409, and the
    # server stays as it was.
    resp = cloud.action(server_id, {'changePassword': {'adminPass': 'n3w'}})
    assert resp.status_code == 409, resp.text
    assert resp.json() == {'conflictingRequest': {
        'code': 409, 'message': 'QEMU guest agent is not enabled'}}
    server = cloud.server(server_id)
    assert server['status'] == 'ACTIVE', server
    assert server['OS-EXT-STS:task_state'] is None

    # (action, status it ends in, "guest up" lines the console then holds)
    for action, status, boots in [
            ({'reboot': {'type': 'SOFT'}}, 'ACTIVE', 2),
            ({'reboot': {'type': 'HARD'}}, 'ACTIVE', 3),
            ({'os-stop': None}, 'SHUTOFF', 3),
            ({'os-start': None}, 'ACTIVE', 4)]:
        resp = cloud.action(server_id, action)
        assert resp.status_code == 202, resp.text
        assert cloud.wait_status(server_id, status), cloud.log()
        assert wait_for(lambda n=boots: _api_console_has(
            cloud, server_id, UP_LINE, n), BOOT_TIMEOUT)

    resp = cloud.request('DELETE', f'/v2.1/servers/{server_id}')
    assert resp.status_code == 204, resp.text
    assert wait_for(lambda: cloud.server(server_id) is None, 120)
    inst_dir = os.path.join(cloud.state_dir, 'instances', server_id)
    assert wait_for(lambda: not os.path.exists(inst_dir), 30)


def test_api_failed_boot_is_error_with_fault(cloud):
    bad = os.path.join(cloud.state_dir, 'bad.vmdk')
    with open(bad, 'wb') as f:
        f.write(b'not a disk')
    image_id = cloud.upload_image(bad, 'bad', 'vmdk', 'bare')
    server_id = cloud.boot(image_id, 'it-bad')
    assert cloud.wait_status(server_id, 'ERROR'), cloud.server(server_id)
    server = cloud.server(server_id)
    assert 'unacceptable' in server['fault']['message'].lower()
    assert not os.path.exists(
        os.path.join(cloud.state_dir, 'instances', server_id))
    cloud.request('DELETE', f'/v2.1/servers/{server_id}')
