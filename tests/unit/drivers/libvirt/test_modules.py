"""The libvirt driver's helper modules: XML, image cache, errors, options."""
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import libvirt
import pytest

from nova_core import exception
from nova_core_drivers.libvirt import conf as libvirt_conf
from nova_core_drivers.libvirt import errors, guest_xml, imagecache
from nova_core_drivers.libvirt.guest_files import GuestFiles

from .conftest import make_instance, needs_qemu_img

# --- guest XML -----------------------------------------------------------


def _xml(image_meta, files, virt_type='qemu'):
    inst = make_instance(vcpus=3, memory_mb=256)
    return inst, ET.fromstring(guest_xml.domain_xml(
        inst, image_meta, files, virt_type, machine_type='pc',
        default_cmdline='root=/dev/vda'))


def test_xml_disk_boot():
    files = GuestFiles('/i/u')
    inst, tree = _xml({'properties': {}}, files, virt_type='kvm')
    assert tree.get('type') == 'kvm'
    assert tree.findtext('name') == inst['name']
    assert tree.findtext('vcpu') == '3'
    assert tree.find('memory').get('unit') == 'KiB'
    assert tree.findtext('memory') == str(256 * 1024)
    assert tree.find('./os/type').get('machine') == 'pc'
    assert tree.find('./os/boot').get('dev') == 'hd'
    assert tree.find('./os/kernel') is None
    assert tree.find('cpu').get('mode') == 'host-model'
    assert tree.find('./devices/disk/driver').get('type') == 'qcow2'
    assert tree.find('./devices/disk/target').get('bus') == 'virtio'
    assert tree.find('./devices/serial/log').get('file') == \
        '/i/u/console.log'
    assert tree.find(f'./metadata/{{{guest_xml.NS}}}instance') is not None


@pytest.mark.parametrize('props, cmdline', [
    ({}, 'root=/dev/vda console=ttyS0'),
    ({'os_command_line': 'root=/dev/vda console=ttyS0 ro'},
     'root=/dev/vda console=ttyS0 ro'),
    ({'os_command_line': 'panic=1'}, 'panic=1 console=ttyS0'),
])
def test_xml_kernel_boot(props, cmdline):
    files = GuestFiles('/i/u', kernel='/i/u/kernel', ramdisk='/i/u/ramdisk')
    _, tree = _xml({'properties': props}, files)
    assert tree.find('cpu') is None
    assert tree.findtext('./os/kernel') == '/i/u/kernel'
    assert tree.findtext('./os/initrd') == '/i/u/ramdisk'
    assert tree.findtext('./os/cmdline') == cmdline
    assert tree.find('./os/boot') is None


# --- image cache ---------------------------------------------------------

@needs_qemu_img
def test_cache_cleans_only_unused_old_images(tmp_path, images, qcow2_image):
    cache = imagecache.ImageCache(str(tmp_path / '_base'), images)
    used = cache.fetch(None, qcow2_image)
    unused = cache.fetch(None, images.add(b'old data', 'raw'))
    linked = cache.fetch(None, images.add(b'kernel', 'aki'))
    inst_dir = tmp_path / 'inst'
    inst_dir.mkdir()
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', used,
                    '-F', 'qcow2', str(inst_dir / 'disk')], check=True)
    os.link(linked, inst_dir / 'kernel')

    assert cache.clean([str(inst_dir)], min_age=3600) == []
    old = time.time() - 7200
    for path in (used, unused, linked):
        os.utime(path, (old, old))
    assert cache.clean([str(inst_dir)], min_age=3600) == [
        os.path.realpath(unused)]
    assert os.path.exists(used) and os.path.exists(linked)
    assert not os.path.exists(unused)


def test_cache_fetch_downloads_once(tmp_path, images):
    cache = imagecache.ImageCache(str(tmp_path / '_base'), images)
    meta = images.add(b'data', 'raw')
    first = cache.fetch(None, meta)
    assert cache.fetch(None, meta) == first
    assert images.downloads == [meta['id']]
    assert os.stat(first).st_mode & 0o777 == 0o644
    assert os.path.basename(first) == imagecache.cache_name(meta['id'])


def test_cache_fetch_failure_leaves_no_file(tmp_path, images):
    cache = imagecache.ImageCache(str(tmp_path / '_base'), images)
    meta = images.add(b'data', 'raw', checksum='0' * 32)
    with pytest.raises(exception.ImageChecksumMismatch):
        cache.fetch(None, meta)
    assert not os.path.exists(cache.path_of(meta['id']))


# --- errors --------------------------------------------------------------

class _Err(libvirt.libvirtError):
    def __init__(self, code, domain=libvirt.VIR_FROM_QEMU):
        Exception.__init__(self, 'boom')
        self.err = (code, domain, 'boom', 2, None, None, None, 0, 0)


INSTANCE = {'uuid': 'u-1', 'name': 'instance-1'}


@pytest.mark.parametrize('code, domain, error', [
    (libvirt.VIR_ERR_NO_DOMAIN, libvirt.VIR_FROM_QEMU,
     exception.InstanceNotFound),
    (libvirt.VIR_ERR_DOM_EXIST, libvirt.VIR_FROM_QEMU,
     exception.InstanceExists),
    (libvirt.VIR_ERR_NO_CONNECT, libvirt.VIR_FROM_NONE,
     exception.HypervisorUnavailable),
    (libvirt.VIR_ERR_SYSTEM_ERROR, libvirt.VIR_FROM_RPC,
     exception.HypervisorUnavailable),
    (libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_FROM_QEMU,
     exception.VirtDriverError),
])
def test_libvirt_errors_become_typed(code, domain, error):
    with pytest.raises(error) as info, \
            errors.translated('do it', INSTANCE, 'qemu:///system'):
        raise _Err(code, domain)
    assert type(info.value) is error
    assert isinstance(info.value.__cause__, libvirt.libvirtError)


def test_generic_error_names_action():
    err = errors.from_libvirt(_Err(libvirt.VIR_ERR_INTERNAL_ERROR), 'pause')
    assert 'pause failed: boom' in str(err)


# --- options -------------------------------------------------------------

def test_options_listed_for_generator():
    [(group, opts)] = libvirt_conf.list_opts()
    assert group.name == 'libvirt'
    names = {o.name for o in opts}
    assert {'connection_uri', 'virt_type', 'images_path',
            'instances_path'} <= names
    virt_type = next(o for o in opts if o.name == 'virt_type')
    assert set(virt_type.type.choices) == {'kvm', 'qemu'}


def test_conf_module_does_not_import_libvirt():
    code = ('import sys; sys.modules["libvirt"] = None; '
            'import nova_core_drivers.libvirt.conf as c; c.list_opts()')
    subprocess.run([sys.executable, '-c', code], check=True)
