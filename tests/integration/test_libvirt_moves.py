"""Rebuild, same-host resize and snapshot of a real QEMU guest through the
Compute API (nova-core-all with ``compute_driver = libvirt`` and
``allow_resize_to_same_host``), reusing :mod:`.test_libvirt_qemu`'s
fixtures.

One server goes through every step, in file order (guests are TCG, each
boot counts): rebuild to another image, resize + confirm, resize +
revert, then a snapshot that another server boots from.
"""
import os
import subprocess

import pytest

from tests.integration import libvirt_guest as guest
from tests.integration import test_libvirt_qemu as qemu_tests
from tests.integration.libvirt_guest import UP_LINE, wait_for

# The real-QEMU fixtures: the host check, the state dir, nova-core-all.
host_ready = qemu_tests.host_ready
state_dir = qemu_tests.state_dir
cloud = qemu_tests.cloud

BOOT_TIMEOUT = 120
GIB = 1024 ** 3
#: (flavorid, vcpus, memory_mb, root_gb); small so that TCG boots quickly
#: and both claims of a resize in place fit.
FLAVORS = {'small': ('it-moves-1', 1, 256, 1),
           'big': ('it-moves-2', 2, 384, 2),
           'bigger': ('it-moves-3', 2, 320, 3)}


@pytest.fixture(scope='module')
def flavors(cloud):
    for name, (flavorid, vcpus, ram, disk) in FLAVORS.items():
        resp = cloud.request('POST', '/v2.1/flavors', json={'flavor': {
            'name': f'it-moves.{name}', 'id': flavorid, 'vcpus': vcpus,
            'ram': ram, 'disk': disk}})
        assert resp.status_code == 200, resp.text
    return {name: spec[0] for name, spec in FLAVORS.items()}


@pytest.fixture(scope='module')
def images(cloud):
    """The guest image, and the same data registered again."""
    first = cloud.upload_guest()
    meta = cloud.request('GET', f'/image/v2/images/{first}').json()
    second = cloud.upload_image(
        os.path.join(guest.GUEST_DIR, 'disk.qcow2'), 'nova-core-guest-2',
        'qcow2', 'bare', kernel_id=meta['kernel_id'],
        ramdisk_id=meta['ramdisk_id'], os_command_line='console=ttyS0')
    return first, second


@pytest.fixture(scope='module')
def server(cloud, flavors, images):
    server_id = cloud.boot(images[0], 'it-moves', flavor=flavors['small'])
    assert cloud.wait_status(server_id, 'ACTIVE'), cloud.log()
    assert wait_for(lambda: _console_has(cloud, server_id, UP_LINE),
                    BOOT_TIMEOUT), cloud.console(server_id)
    yield server_id
    _delete(cloud, server_id)


def _delete(cloud, server_id):
    cloud.request('DELETE', f'/v2.1/servers/{server_id}')
    assert wait_for(lambda: cloud.server(server_id) is None, 120)
    assert wait_for(lambda: not os.path.exists(
        _inst_dir(cloud, server_id)), 30)
    assert _domain(server_id) is None


def _console_has(cloud, server_id, text, count=1):
    return cloud.console(server_id).count(text) >= count


def _log(cloud, server_id):
    path = os.path.join(_inst_dir(cloud, server_id), 'console.log')
    with open(path, errors='replace') as f:
        return f.read()


def _log_has(cloud, server_id, text, count=1):
    return _log(cloud, server_id).count(text) >= count


def _inst_dir(cloud, server_id):
    return os.path.join(cloud.state_dir, 'instances', server_id)


def _domain(server_id):
    import libvirt
    conn = libvirt.open(guest.URI)
    try:
        dom = conn.lookupByUUIDString(server_id)
        return {'vcpus': dom.info()[3], 'memory_kib': dom.info()[1],
                'active': bool(dom.isActive())}
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            return None
        raise
    finally:
        conn.close()


def _disk_gb(cloud, server_id):
    import json
    out = subprocess.run(
        ['qemu-img', 'info', '-U', '--output=json',
         os.path.join(_inst_dir(cloud, server_id), 'disk')],
        capture_output=True, text=True, check=True).stdout
    return json.loads(out)['virtual-size'] / GIB


def _act(cloud, server_id, body, status):
    resp = cloud.action(server_id, body)
    assert resp.status_code in (202, 204), resp.text
    assert cloud.wait_status(server_id, status), (cloud.server(server_id),
                                                  cloud.log())
    return resp


def _assert_flavor(cloud, server_id, name):
    _, vcpus, ram, disk = FLAVORS[name]
    dom = _domain(server_id)
    assert dom == {'vcpus': vcpus, 'memory_kib': ram * 1024,
                   'active': True}, dom
    assert _disk_gb(cloud, server_id) == disk
    assert cloud.server(server_id)['flavor']['id'] == FLAVORS[name][0]


def test_rebuild_to_another_image_boots_again(cloud, server, images):
    _act(cloud, server, {'rebuild': {'imageRef': images[1]}}, 'ACTIVE')
    after = cloud.server(server)
    assert after['id'] == server and after['image']['id'] == images[1]
    # The rebuilt guest has a new console log: the kernel booted again.
    assert wait_for(lambda: _console_has(cloud, server, UP_LINE),
                    BOOT_TIMEOUT), cloud.console(server)
    assert guest.KERNEL_LINE in cloud.console(server)
    assert _domain(server)['active']


def test_resize_in_place_then_confirm(cloud, server, flavors):
    _act(cloud, server, {'resize': {'flavorRef': flavors['big']}},
         'VERIFY_RESIZE')
    _assert_flavor(cloud, server, 'big')
    inst_dir = _inst_dir(cloud, server)
    assert os.path.exists(os.path.join(inst_dir, 'disk.resize-orig'))
    # The guest boots with 2 vCPUs (os-getConsoleOutput answers 409 while
    # the server is resized: the log file tells).
    assert wait_for(lambda: _log_has(cloud, server, UP_LINE, 2),
                    BOOT_TIMEOUT), _log(cloud, server)

    resp = _act(cloud, server, {'confirmResize': None}, 'ACTIVE')
    assert resp.status_code == 204
    _assert_flavor(cloud, server, 'big')
    assert wait_for(lambda: not os.path.exists(
        os.path.join(inst_dir, 'disk.resize-orig')), 30)


def test_resize_in_place_then_revert(cloud, server, flavors):
    _act(cloud, server, {'resize': {'flavorRef': flavors['bigger']}},
         'VERIFY_RESIZE')
    _assert_flavor(cloud, server, 'bigger')

    boots = _log(cloud, server).count(UP_LINE)
    _act(cloud, server, {'revertResize': None}, 'ACTIVE')
    _assert_flavor(cloud, server, 'big')
    assert not os.path.exists(os.path.join(_inst_dir(cloud, server),
                                           'disk.resize-orig'))
    assert wait_for(lambda: _console_has(cloud, server, UP_LINE, boots + 1),
                    BOOT_TIMEOUT), cloud.console(server)


def test_snapshot_becomes_an_image_a_server_boots_from(cloud, server,
                                                       flavors):
    resp = _act(cloud, server, {'createImage': {'name': 'it-moves-snap'}},
                'ACTIVE')
    image_id = resp.headers['Location'].rsplit('/', 1)[1]

    def active():
        image = cloud.request('GET', f'/image/v2/images/{image_id}').json()
        return image if image['status'] == 'active' else None
    image = wait_for(active, 120)
    assert image, cloud.log()
    assert image['disk_format'] == 'qcow2' and image['size'] > 0
    assert image['min_disk'] == FLAVORS['big'][3]
    data = cloud.request('GET', f'/image/v2/images/{image_id}/file')
    assert data.status_code == 200 and data.content[:4] == b'QFI\xfb'
    assert _domain(server)['active']  # the guest runs again
    snap_dir = os.path.join(cloud.state_dir, 'instances', 'snapshots')
    assert not os.listdir(snap_dir)  # the flattened copy is gone

    child = cloud.boot(image_id, 'it-moves-child', flavor=flavors['big'])
    assert cloud.wait_status(child, 'ACTIVE'), cloud.log()
    assert wait_for(lambda: _console_has(cloud, child, UP_LINE),
                    BOOT_TIMEOUT), cloud.console(child)
    assert guest.KERNEL_LINE in cloud.console(child)
    _delete(cloud, child)
