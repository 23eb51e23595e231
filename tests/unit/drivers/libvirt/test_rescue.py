"""Rescue, password and NMI of the libvirt driver against libvirt's
test:///default hypervisor."""
import os
import xml.etree.ElementTree as ET

import libvirt
import pytest

from nova_core import exception
from nova_core.compute import power_state
from nova_core_drivers.libvirt import guest_xml

from .conftest import make_instance, needs_qemu_img

pytestmark = needs_qemu_img


def _disks(drv, instance):
    tree = ET.fromstring(drv.host.lookup(instance).XMLDesc(0))
    return [(d.find('target').get('dev'), d.find('source').get('file'))
            for d in tree.findall('./devices/disk')]


def test_rescue_boots_the_rescue_disk_with_the_own_disk_second(
        driver, qcow2_image, images):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    inst_dir = os.path.join(driver.instances_path, inst['uuid'])
    rescue_image = images.add(open(driver.image_cache.path_of(
        qcow2_image['id']), 'rb').read(), 'qcow2')

    driver.rescue(None, inst, rescue_image, admin_password='pw')

    assert _disks(driver, inst) == [
        ('vda', os.path.join(inst_dir, 'rescue', 'disk')),
        ('vdb', os.path.join(inst_dir, 'disk'))]
    assert driver.get_info(inst).state == power_state.RUNNING
    assert os.path.exists(os.path.join(inst_dir, 'unrescue.xml'))

    driver.unrescue(None, inst)

    assert _disks(driver, inst) == [('vda', os.path.join(inst_dir, 'disk'))]
    assert driver.get_info(inst).state == power_state.RUNNING
    assert not os.path.exists(os.path.join(inst_dir, 'rescue'))
    assert not os.path.exists(os.path.join(inst_dir, 'unrescue.xml'))


def test_failed_rescue_leaves_the_guest_as_it_was(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    bad = dict(qcow2_image, disk_format='vhd')
    with pytest.raises(exception.ImageUnacceptable):
        driver.rescue(None, inst, bad)
    inst_dir = os.path.join(driver.instances_path, inst['uuid'])
    assert _disks(driver, inst) == [('vda', os.path.join(inst_dir, 'disk'))]
    assert not os.path.exists(os.path.join(inst_dir, 'unrescue.xml'))


def test_unrescue_of_a_guest_never_rescued(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    with pytest.raises(exception.VirtDriverError, match='no kept domain'):
        driver.unrescue(None, inst)


def test_rescue_xml_keeps_interfaces_of_the_original():
    original = ('<domain><devices><disk type="file" device="disk"><source '
                'file="/d"/><target dev="vda"/></disk><interface '
                'type="bridge"><mac address="fa:16:3e:00:00:01"/>'
                '</interface></devices></domain>')
    rescue = ('<domain><devices><disk type="file" device="disk"><source '
              'file="/r"/><target dev="vda"/></disk><serial type="pty"/>'
              '</devices></domain>')
    tree = ET.fromstring(guest_xml.rescue_xml(rescue, original, '/d'))
    devices = [d.tag for d in tree.find('devices')]
    assert devices == ['disk', 'disk', 'interface', 'serial']
    assert tree.find('./devices/interface/mac').get('address') == \
        'fa:16:3e:00:00:01'


@pytest.mark.parametrize('value,channels', [
    ('yes', [guest_xml.GUEST_AGENT_PORT]),
    ('True', [guest_xml.GUEST_AGENT_PORT]), ('no', []), (None, [])])
def test_guest_agent_channel_for_images_that_ask(driver, images, value,
                                                  channels):
    props = {} if value is None else {'hw_qemu_guest_agent': value}
    image = images.add(b'\0' * 65536, 'raw', properties=props)
    inst = make_instance()
    driver.spawn(None, inst, image)
    tree = ET.fromstring(driver.host.lookup(inst).XMLDesc(0))
    assert [c.find('target').get('name') for c in tree.findall(
        "./devices/channel[@type='unix']")] == channels


def test_set_admin_password_needs_the_guest_agent(driver, qcow2_image):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    with pytest.raises(exception.InstanceAgentNotEnabled) as info:
        driver.set_admin_password(inst, 'pw')
    assert info.value.code == 409


@pytest.mark.parametrize('code,error', [
    (libvirt.VIR_ERR_AGENT_UNRESPONSIVE,
     exception.SetAdminPasswdNotImplemented),
    (libvirt.VIR_ERR_INTERNAL_ERROR, exception.InstancePasswordSetFailed),
])
def test_set_admin_password_errors(driver, qcow2_image, monkeypatch, code,
                                   error):
    inst = make_instance(system_metadata={'image_hw_qemu_guest_agent':
                                          'yes'})
    driver.spawn(None, inst, qcow2_image)
    calls = []

    def set_password(dom, user, password, flags):
        calls.append((user, password))
        exc = libvirt.libvirtError('agent says no')
        exc.err = (code, 0, 'agent says no', 0, '', '', '', 0, 0)
        raise exc

    monkeypatch.setattr(libvirt.virDomain, 'setUserPassword', set_password)
    with pytest.raises(error):
        driver.set_admin_password(inst, 'pw')
    assert calls == [('root', 'pw')]


def test_set_admin_password_through_the_agent(driver, qcow2_image,
                                              monkeypatch):
    inst = make_instance(system_metadata={
        'image_hw_qemu_guest_agent': 'yes', 'image_os_admin_user': 'debian'})
    driver.spawn(None, inst, qcow2_image)
    calls = []
    monkeypatch.setattr(libvirt.virDomain, 'setUserPassword',
                        lambda dom, user, pw, flags: calls.append((user, pw)))
    driver.set_admin_password(inst, 'pw')
    assert calls == [('debian', 'pw')]


@pytest.mark.parametrize('code,error', [
    (libvirt.VIR_ERR_NO_SUPPORT, exception.TriggerCrashDumpNotSupported),
    (libvirt.VIR_ERR_OPERATION_INVALID, exception.InstanceNotRunning),
    (libvirt.VIR_ERR_INTERNAL_ERROR, exception.VirtDriverError),
])
def test_trigger_crash_dump_errors(driver, qcow2_image, monkeypatch, code,
                                   error):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)

    def inject(dom, flags):
        exc = libvirt.libvirtError('nmi')
        exc.err = (code, 0, 'nmi', 0, '', '', '', 0, 0)
        raise exc

    monkeypatch.setattr(libvirt.virDomain, 'injectNMI', inject)
    with pytest.raises(error):
        driver.trigger_crash_dump(inst)


def test_trigger_crash_dump_injects_an_nmi(driver, qcow2_image,
                                           monkeypatch):
    inst = make_instance()
    driver.spawn(None, inst, qcow2_image)
    calls = []
    monkeypatch.setattr(libvirt.virDomain, 'injectNMI',
                        lambda dom, flags: calls.append(dom.UUIDString()))
    driver.trigger_crash_dump(inst)
    assert calls == [inst['uuid']]

