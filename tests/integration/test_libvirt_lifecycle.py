"""trigger_crash_dump, createBackup with rotation, shelve, shelveOffload
and unshelve of a real QEMU guest through the Compute API (nova-core-all
with ``compute_driver = libvirt``), reusing :mod:`.test_libvirt_qemu`'s
host check and state dir.

nova-core-all runs with ``shelved_offload_time = -1`` so that shelve stops
at SHELVED and the offload is its own step. One server goes through every
test, in file order (guests are TCG, each boot counts): an NMI, two
backups with rotation 1 (another server boots from the one kept), then
shelve, offload and unshelve (which boots the guest again).
"""
import os
import shutil

import pytest

from tests.fixtures.services import require
from tests.integration import libvirt_guest as guest
from tests.integration import test_libvirt_qemu as qemu_tests
from tests.integration.libvirt_guest import UP_LINE, wait_for

host_ready = qemu_tests.host_ready
state_dir = qemu_tests.state_dir

BOOT_TIMEOUT = 120
#: What a Debian kernel prints for an NMI no driver claims (x86's
#: ``unknown_nmi_error``: "Uhhuh. NMI received for unknown reason ...").
NMI_LINE = 'NMI received for unknown reason'


@pytest.fixture(scope='module')
def cloud(state_dir):
    require(shutil.which('nova-core-all'), 'nova-core-all is not installed')
    api_dir = os.path.join(state_dir, 'api-life')
    os.makedirs(api_dir, mode=0o755)
    all_in_one = guest.NovaCoreAll(
        api_dir, extra_config='[DEFAULT]\nshelved_offload_time = -1\n')
    try:
        all_in_one.start()
        yield all_in_one
    finally:
        all_in_one.stop()
        guest.remove_domains_under(api_dir)


@pytest.fixture(scope='module')
def image(cloud):
    return cloud.upload_guest()


@pytest.fixture(scope='module')
def server(cloud, image):
    server_id = cloud.boot(image, 'it-life')
    try:
        assert cloud.wait_status(server_id, 'ACTIVE'), cloud.log()
        assert wait_for(lambda: _log_has(cloud, server_id, UP_LINE),
                        BOOT_TIMEOUT), _log(cloud, server_id)
        yield server_id
    finally:
        _delete(cloud, server_id)


def _delete(cloud, server_id):
    cloud.request('DELETE', f'/v2.1/servers/{server_id}')
    assert wait_for(lambda: cloud.server(server_id) is None, 120)
    assert wait_for(lambda: not os.path.exists(
        _inst_dir(cloud, server_id)), 30)
    assert _domain(server_id) is None


def _inst_dir(cloud, server_id):
    return os.path.join(cloud.state_dir, 'instances', server_id)


def _log(cloud, server_id):
    try:
        with open(os.path.join(_inst_dir(cloud, server_id), 'console.log'),
                  errors='replace') as f:
            return f.read()
    except FileNotFoundError:
        return ''


def _log_has(cloud, server_id, text, count=1):
    return _log(cloud, server_id).count(text) >= count


def _domain(server_id):
    """The domain's state, None when libvirt has no such domain."""
    import libvirt
    conn = libvirt.open(guest.URI)
    try:
        return conn.lookupByUUIDString(server_id).isActive()
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            return None
        raise
    finally:
        conn.close()


def _act(cloud, server_id, body, status, microversion=None):
    headers = ({'OpenStack-API-Version': f'compute {microversion}'}
               if microversion else {})
    resp = cloud.request('POST', f'/v2.1/servers/{server_id}/action',
                         json=body, headers=headers)
    assert resp.status_code == 202, resp.text
    assert cloud.wait_status(server_id, status), (cloud.server(server_id),
                                                  cloud.log())
    return resp


def _image(cloud, image_id):
    resp = cloud.request('GET', f'/image/v2/images/{image_id}')
    return resp.json() if resp.status_code == 200 else None


def _images(cloud, **props):
    images = cloud.request('GET', '/image/v2/images').json()['images']
    return [i for i in images
            if all(i.get(k) == v for k, v in props.items())]


def _active_image(cloud, image_id):
    def active():
        image = _image(cloud, image_id)
        return image if image and image['status'] == 'active' else None
    image = wait_for(active, 120)
    assert image, cloud.log()
    return image


def _event(cloud, server_id, request_id, name):
    resp = cloud.request(
        'GET', f'/v2.1/servers/{server_id}/os-instance-actions/{request_id}')
    assert resp.status_code == 200, resp.text
    events = resp.json()['instanceAction'].get('events', [])
    return next((e for e in events if e['event'] == name), None)


def test_trigger_crash_dump_sends_an_nmi(cloud, server):
    boots = _log(cloud, server).count(UP_LINE)
    resp = _act(cloud, server, {'trigger_crash_dump': None}, 'ACTIVE',
                microversion='2.17')
    assert resp.text == ''
    request_id = resp.headers['x-openstack-request-id']
    assert wait_for(lambda: (_event(cloud, server, request_id,
                                    'compute_trigger_crash_dump') or {})
                    .get('result') == 'Success', 30), cloud.log()
    # The guest's kernel saw the NMI, and went on: no panic, no reboot.
    assert wait_for(lambda: _log_has(cloud, server, NMI_LINE), 30), \
        _log(cloud, server)[-2000:]
    after = cloud.server(server)
    assert after['status'] == 'ACTIVE' and after['OS-EXT-STS:power_state'] \
        == 1, after
    assert _domain(server) == 1
    assert _log(cloud, server).count(UP_LINE) == boots


def test_trigger_crash_dump_needs_microversion_2_17(cloud, server):
    resp = cloud.action(server, {'trigger_crash_dump': None})
    assert resp.status_code == 400, resp.text


def test_create_backup_rotation_one_keeps_the_newest_bootable(cloud,
                                                            server):
    made = []
    for name in ('it-backup-1', 'it-backup-2'):
        resp = _act(cloud, server, {'createBackup': {
            'name': name, 'backup_type': 'daily', 'rotation': 1}}, 'ACTIVE')
        image_id = resp.headers['Location'].rsplit('/', 1)[1]
        made.append(image_id)
        _active_image(cloud, image_id)
    first, second = made
    assert first != second
    # The rotation deleted the older one once the newer was uploaded.
    assert wait_for(lambda: _image(cloud, first) is None, 30), \
        _image(cloud, first)
    backups = _images(cloud, image_type='backup')
    assert [b['id'] for b in backups] == [second], backups
    image = _image(cloud, second)
    assert image['status'] == 'active' and image['size'] > 0, image
    assert image['disk_format'] == 'qcow2', image
    assert image['backup_type'] == 'daily'
    assert image['instance_uuid'] == server
    data = cloud.request('GET', f'/image/v2/images/{second}/file')
    assert data.status_code == 200 and data.content[:4] == b'QFI\xfb'
    assert len(data.content) == image['size']
    assert _domain(server) == 1  # the guest runs on

    child = cloud.boot(second, 'it-life-from-backup')
    try:
        assert cloud.wait_status(child, 'ACTIVE'), cloud.log()
        assert wait_for(lambda: _log_has(cloud, child, UP_LINE),
                        BOOT_TIMEOUT), _log(cloud, child)[-2000:]
        assert cloud.server(child)['image']['id'] == second
    finally:
        _delete(cloud, child)


def test_shelve_then_offload_then_unshelve_boots_again(cloud, server):
    inst_dir = _inst_dir(cloud, server)
    _act(cloud, server, {'shelve': None}, 'SHELVED')
    shelved = _images(cloud, name='it-life-shelved')
    assert len(shelved) == 1, shelved
    image_id = shelved[0]['id']
    image = _active_image(cloud, image_id)
    assert image['size'] > 0 and image['disk_format'] == 'qcow2', image
    # Shelved, not offloaded: the guest is kept here, powered off.
    assert _domain(server) == 0
    assert os.path.exists(os.path.join(inst_dir, 'disk'))
    after = cloud.server(server)
    assert after['OS-EXT-SRV-ATTR:host'] == 'it-host', after

    _act(cloud, server, {'shelveOffload': None}, 'SHELVED_OFFLOADED')
    assert _domain(server) is None
    assert wait_for(lambda: not os.path.exists(inst_dir), 30)
    after = cloud.server(server)
    assert after['OS-EXT-SRV-ATTR:host'] is None, after
    assert _image(cloud, image_id)['status'] == 'active'

    _act(cloud, server, {'unshelve': None}, 'ACTIVE')
    assert _domain(server) == 1
    assert wait_for(lambda: _log_has(cloud, server, UP_LINE),
                    BOOT_TIMEOUT), _log(cloud, server)[-2000:]
    assert guest.KERNEL_LINE in cloud.console(server)
    after = cloud.server(server)
    assert after['OS-EXT-SRV-ATTR:host'] == 'it-host', after
    # The shelve image is deleted once the server is back.
    assert wait_for(lambda: _image(cloud, image_id) is None, 30)
