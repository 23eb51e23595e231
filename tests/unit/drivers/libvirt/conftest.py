"""Fixtures of the libvirt driver's tests: libvirt's test:///default
hypervisor (no daemon), a private config and an in-memory image service."""
import hashlib
import shutil
import subprocess
import uuid

import pytest
from oslo_config import cfg

libvirt = pytest.importorskip('libvirt')

from nova_core import exception
from nova_core.conf import default as default_conf
from nova_core.conf import glance as glance_conf
from nova_core_drivers.libvirt import conf as libvirt_conf
from nova_core_drivers.libvirt import driver as libvirt_driver

needs_qemu_img = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                    reason='qemu-img is not installed')


class FakeImageService:
    """Serves images from memory, counting downloads."""

    def __init__(self):
        self.images = {}
        self.downloads = []
        self.fail_with = None

    def add(self, data, disk_format, properties=None, checksum=None):
        image_id = str(uuid.uuid4())
        meta = {'id': image_id, 'name': image_id, 'status': 'active',
                'disk_format': disk_format, 'container_format': 'bare',
                'size': len(data), 'min_ram': 0, 'min_disk': 0,
                'checksum': checksum or hashlib.md5(data).hexdigest(),
                'properties': properties or {}}
        self.images[image_id] = (meta, data)
        return meta

    def show(self, context, image_id):
        if image_id not in self.images:
            raise exception.ImageNotFound(image_id=image_id)
        return self.images[image_id][0]

    def download(self, context, image_id, dest_path, checksum=None):
        if self.fail_with is not None:
            raise self.fail_with
        meta, data = self.images[image_id]
        actual = hashlib.md5(data).hexdigest()
        if actual != meta['checksum']:
            raise exception.ImageChecksumMismatch(
                image_id=image_id, expected=meta['checksum'], actual=actual)
        self.downloads.append(image_id)
        with open(dest_path, 'wb') as f:
            f.write(data)


@pytest.fixture
def conf(tmp_path):
    conf = cfg.ConfigOpts()
    default_conf.register_opts(conf)
    glance_conf.register_opts(conf)
    libvirt_conf.register_opts(conf)
    conf([], project='nova-core-test')
    for name, value in {
            'connection_uri': 'test:///default', 'virt_type': 'qemu',
            'instances_path': str(tmp_path / 'instances'),
            'stopped_event_delay': 0, 'image_cache_manager_interval': 0,
            'wait_soft_reboot_seconds': 2}.items():
        conf.set_override(name, value, group='libvirt')
    conf.set_override('state_path', str(tmp_path))
    yield conf
    conf.reset()


@pytest.fixture
def images():
    return FakeImageService()


@pytest.fixture
def qcow2_image(tmp_path, images):
    """Image meta of a small, real qcow2 image."""
    path = tmp_path / 'src.qcow2'
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(path),
                    '16M'], check=True)
    return images.add(path.read_bytes(), 'qcow2')


@pytest.fixture
def ami_image(images):
    """An AMI-style image: raw machine image, kernel and ramdisk."""
    kernel = images.add(b'kernel' * 100, 'aki')
    ramdisk = images.add(b'ramdisk' * 100, 'ari')
    return images.add(b'\0' * 65536, 'ami', properties={
        'kernel_id': kernel['id'], 'ramdisk_id': ramdisk['id'],
        'os_command_line': 'root=/dev/vda quiet'})


@pytest.fixture
def driver(conf, images):
    drv = libvirt_driver.LibvirtDriver(conf, image_service=images)
    drv.init_host('node1')
    yield drv
    for inst_uuid in drv.list_instances():
        drv.destroy(None, {'uuid': inst_uuid, 'name': inst_uuid})
    drv.cleanup_host('node1')


_counter = iter(range(1, 1 << 30))


def make_instance(**updates):
    """An instance dict as the compute manager passes it."""
    inst_uuid = str(uuid.uuid4())
    instance = {
        'uuid': inst_uuid, 'name': f'instance-{next(_counter):08x}',
        'display_name': 'vm', 'host': 'node1', 'vcpus': 2,
        'memory_mb': 128, 'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0,
        'image_ref': None, 'flavor': {'flavorid': '1', 'name': 'm1.tiny',
                                      'vcpus': 2, 'memory_mb': 128,
                                      'root_gb': 1},
        'vm_state': 'building', 'task_state': 'spawning', 'power_state': 0}
    # Names must be unique in the process: test:///default is shared.
    instance['name'] += '-' + inst_uuid[:8]
    instance.update(updates)
    return instance
