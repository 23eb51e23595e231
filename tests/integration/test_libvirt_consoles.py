"""A real QEMU (TCG) guest's interactive consoles through the libvirt
driver: its serial port is a TCP server from ``[serial_console]
port_range`` that carries the guest's own output (and is still logged for
os-getConsoleOutput), and its VNC server speaks RFB.

Needs what ``.ci/setup-libvirt.sh`` installs and builds (see
test_libvirt_qemu.py).
"""
import os
import shutil
import socket
import tempfile
import time

import pytest

from tests.fixtures.services import require
from tests.integration import libvirt_guest as guest

BOOT_TIMEOUT = 120
PORTS = (20610, 20619)


@pytest.fixture(scope='module')
def driver():
    try:
        import libvirt  # noqa: F401
    except ImportError:
        require(False, 'libvirt-python is not installed '
                       '(run .ci/setup-libvirt.sh)')
    require(guest.libvirtd_answers(), 'libvirtd does not answer on '
            f'{guest.URI} (run .ci/setup-libvirt.sh)')
    require(guest.guest_built(), f'no guest kernel/initramfs in '
            f'{guest.GUEST_DIR} (run .ci/setup-libvirt.sh)')
    from oslo_config import cfg

    from nova_core.conf import default as default_conf
    from nova_core_drivers.libvirt import driver as libvirt_driver

    # QEMU (uid 64055) must read the instance files and every parent.
    path = tempfile.mkdtemp(prefix='nova-core-it-',
                            dir='/var/lib/libvirt/images')
    os.chmod(path, 0o755)
    conf = cfg.ConfigOpts()
    default_conf.register_opts(conf)
    drv = libvirt_driver.LibvirtDriver(conf, guest.LocalImages())
    conf([], project='nova-core-test')
    conf.set_override('instances_path', path)
    for name, value in {'connection_uri': guest.URI, 'virt_type': 'qemu',
                        'image_cache_manager_interval': 0}.items():
        conf.set_override(name, value, group='libvirt')
    conf.set_override('enabled', True, group='serial_console')
    conf.set_override('port_range', '%d:%d' % PORTS, group='serial_console')
    drv.init_host('it-host')
    yield drv
    for inst_uuid in drv.list_instances():
        drv.destroy(None, {'uuid': inst_uuid, 'name': inst_uuid})
    drv.cleanup_host('it-host')
    shutil.rmtree(path, ignore_errors=True)


def _read_until(sock, text, timeout):
    deadline = time.monotonic() + timeout
    seen = b''
    while text.encode() not in seen and time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode('utf-8', 'replace')


def test_serial_and_vnc_consoles_of_a_tcg_guest(driver):
    inst = guest.make_instance()
    driver.spawn(None, inst, driver.image_service.machine)
    serial = driver.get_serial_console(None, inst)
    assert PORTS[0] <= serial['port'] <= PORTS[1]
    with socket.create_connection((serial['host'], serial['port']),
                                  timeout=10) as sock:
        seen = _read_until(sock, guest.UP_LINE, BOOT_TIMEOUT)
    assert guest.UP_LINE in seen, seen[-2000:]
    # QEMU writes the chardev's log file after the socket, so the log can
    # lag the socket by a moment.
    assert guest.wait_for(
        lambda: guest.UP_LINE in driver.get_console_output(None, inst), 10), \
        driver.get_console_output(None, inst)[-2000:]

    vnc = driver.get_vnc_console(None, inst)
    with socket.create_connection((vnc['host'], vnc['port']),
                                  timeout=10) as sock:
        assert sock.recv(12).startswith(b'RFB 003.')

    second = guest.make_instance(1)
    driver.spawn(None, second, driver.image_service.machine)
    other = driver.get_serial_console(None, second)['port']
    assert other != serial['port'] and PORTS[0] <= other <= PORTS[1]
    for instance in (inst, second):
        driver.destroy(None, instance)
