"""Rebuild and same-host resize of the libvirt driver on test:///default."""
import os

import pytest

from nova_core import exception

from .conftest import make_instance, needs_qemu_img

SMALL = {'flavorid': '2', 'name': 'm1.small', 'vcpus': 4,
         'memory_mb': 256, 'root_gb': 2}


@pytest.fixture
def guest(driver, qcow2_image):
    instance = make_instance()
    driver.spawn(None, instance, qcow2_image)
    return instance


def _xml(driver, instance):
    return driver.host.lookup(instance).XMLDesc(0)


@needs_qemu_img
def test_rebuild_spawns_from_the_new_image(driver, guest, images,
                                           qcow2_image):
    other = images.add(images.images[qcow2_image['id']][1], 'qcow2')
    driver.rebuild(None, dict(guest, image_ref=other['id']), other)
    assert driver.get_info(guest).state == 1
    assert other['id'] in _xml(driver, guest)


@needs_qemu_img
def test_resize_in_place_then_confirm(driver, guest, conf):
    conf.set_override('host', 'node1')
    info = driver.migrate_disk_and_power_off(None, guest, 'node1', SMALL)
    assert driver.get_info(guest).state == 4
    disk = info['disk']
    assert os.path.exists(disk + '.resize-orig')
    resized = dict(guest, vcpus=4, memory_mb=256, root_gb=2, flavor=SMALL)
    driver.finish_migration(None, {}, resized, info, {}, True)
    assert driver.get_info(guest).state == 1
    xml = _xml(driver, guest)
    assert '<vcpu>4</vcpu>' in xml.replace(" placement='static'", '')
    from nova_core_drivers.libvirt import disk as disk_mod
    assert disk_mod.info(disk)['virtual-size'] == 2 * 1024 ** 3
    driver.confirm_migration(None, {}, resized)
    assert not os.path.exists(disk + '.resize-orig')


@needs_qemu_img
def test_resize_revert_restores_flavor_and_disk(driver, guest, conf):
    conf.set_override('host', 'node1')
    info = driver.migrate_disk_and_power_off(None, guest, 'node1', SMALL)
    resized = dict(guest, vcpus=4, memory_mb=256, root_gb=2, flavor=SMALL)
    driver.finish_migration(None, {}, resized, info, {}, True)
    driver.finish_revert_migration(None, guest, {}, power_on=False)
    assert driver.get_info(guest).state == 4
    assert '<vcpu>4</vcpu>' not in _xml(driver, guest)
    from nova_core_drivers.libvirt import disk as disk_mod
    assert disk_mod.info(info['disk'])['virtual-size'] == 1024 ** 3


def test_resize_to_another_host_or_smaller_disk_is_refused(driver, conf):
    conf.set_override('host', 'node1')
    instance = make_instance()
    assert driver.capabilities['supports_migrate_to_other_host'] is False
    # Nor live: the API refuses live migration of its servers at once.
    assert driver.capabilities['supports_live_migration'] is False
    with pytest.raises(exception.VirtDriverError):
        driver.migrate_disk_and_power_off(None, instance, 'node2', SMALL)
    with pytest.raises(exception.CannotResizeDisk):
        driver.migrate_disk_and_power_off(None, dict(instance, root_gb=5),
                                          'node1', SMALL)


@needs_qemu_img
def test_failed_finish_puts_back_old_disk_and_flavor(driver, guest, conf,
                                                     monkeypatch):
    """The instance keeps its old flavor when a resize fails; so must the
    guest: old XML, old disk, nothing left from the resize."""
    from nova_core_drivers.libvirt import disk as disk_mod
    conf.set_override('host', 'node1')
    info = driver.migrate_disk_and_power_off(None, guest, 'node1', SMALL)
    resized = dict(guest, vcpus=4, memory_mb=256, root_gb=2, flavor=SMALL)

    def refuse(dom, instance):
        raise exception.VirtDriverError(reason='no room')
    monkeypatch.setattr(driver, '_cold_start', refuse)
    with pytest.raises(exception.VirtDriverError):
        driver.finish_migration(None, {}, resized, info, {}, True)
    assert driver.get_info(guest).state == 4
    assert '<vcpu>4</vcpu>' not in _xml(driver, guest).replace(
        " placement='static'", '')
    assert disk_mod.info(info['disk'])['virtual-size'] == 1024 ** 3
    assert not os.path.exists(info['disk'] + '.resize-orig')


@needs_qemu_img
def test_failed_disk_copy_leaves_no_partial_copy(driver, guest, conf,
                                                 monkeypatch):
    import shutil
    conf.set_override('host', 'node1')
    real_copy = shutil.copyfile

    def half_copy(src, dst):
        with open(dst, 'wb') as f:
            f.write(b'half')
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(shutil, 'copyfile', half_copy)
    with pytest.raises(exception.VirtDriverError, match='No space'):
        driver.migrate_disk_and_power_off(None, guest, 'node1', SMALL)
    monkeypatch.setattr(shutil, 'copyfile', real_copy)
    disk = os.path.join(driver.instances_path, guest['uuid'], 'disk')
    assert not os.path.exists(disk + '.resize-orig')
