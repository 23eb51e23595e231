"""Shared by the real-QEMU tests and the benchmark: the guest that
``.ci/setup-libvirt.sh`` builds, and an image service serving local files."""
import hashlib
import os
import shutil
import subprocess
import time
import uuid

GUEST_DIR = os.environ.get('NOVA_CORE_GUEST_DIR',
                           '/var/lib/libvirt/images/nova-core-guest')
GUEST_FILES = {'kernel': 'vmlinuz', 'ramdisk': 'initrd.img',
               'disk': 'disk.qcow2'}
UP_LINE = 'nova-core guest up'
#: What the guest prints when DHCP gave it an address (and then serves, on
#: port 80, as "nova-core guest ADDRESS").
IP_LINE = 'nova-core guest ip'
KERNEL_LINE = 'Linux version'
URI = 'qemu:///system'


def guest_built():
    return all(os.path.exists(os.path.join(GUEST_DIR, f))
               for f in GUEST_FILES.values())


def libvirtd_answers():
    if shutil.which('virsh') is None:
        return False
    proc = subprocess.run(['virsh', '-c', URI, 'version'],
                          capture_output=True, timeout=60, check=False)
    return proc.returncode == 0


class LocalImages:
    """An image service (as ImageClient) over the guest's local files."""

    def __init__(self, guest_dir=GUEST_DIR):
        self.images = {}
        kernel = self._add(guest_dir, 'kernel', 'aki')
        ramdisk = self._add(guest_dir, 'ramdisk', 'ari')
        self.machine = self._add(guest_dir, 'disk', 'qcow2', {
            'kernel_id': kernel['id'], 'ramdisk_id': ramdisk['id'],
            'os_command_line': 'console=ttyS0'})

    def _add(self, guest_dir, role, fmt, properties=None):
        path = os.path.join(guest_dir, GUEST_FILES[role])
        with open(path, 'rb') as f:
            checksum = hashlib.md5(f.read()).hexdigest()
        meta = {'id': str(uuid.uuid4()), 'name': role, 'status': 'active',
                'disk_format': fmt, 'container_format': 'bare',
                'size': os.path.getsize(path), 'checksum': checksum,
                'min_ram': 0, 'min_disk': 0, 'properties': properties or {}}
        self.images[meta['id']] = (meta, path)
        return meta

    def show(self, context, image_id):
        return self.images[image_id][0]

    def download(self, context, image_id, dest_path, checksum=None):
        shutil.copyfile(self.images[image_id][1], dest_path)


def make_instance(n=0, memory_mb=256):
    inst_uuid = str(uuid.uuid4())
    return {'uuid': inst_uuid, 'name': f'nova-core-it-{inst_uuid[:8]}-{n}',
            'display_name': f'it-{n}', 'vcpus': 1, 'memory_mb': memory_mb,
            'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0, 'image_ref': None,
            'flavor': {'flavorid': 'it', 'name': 'it.tiny', 'vcpus': 1,
                       'memory_mb': memory_mb, 'root_gb': 1}}


def wait_for(predicate, timeout, interval=0.2):
    """Poll ``predicate`` until truthy; returns its value or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def remove_domains_under(path):
    """Destroy and undefine every domain whose definition names a file
    under ``path`` (a test's state dir): what a failed test left."""
    import contextlib

    import libvirt
    conn = libvirt.open(URI)
    try:
        for dom in conn.listAllDomains():
            with contextlib.suppress(libvirt.libvirtError):
                if path not in dom.XMLDesc(0):
                    continue
                with contextlib.suppress(libvirt.libvirtError):
                    dom.destroy()
                dom.undefineFlags(
                    libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    finally:
        conn.close()


# --- a whole cloud: nova-core-all with the libvirt driver -----------------

CONFIG = """\
[DEFAULT]
state_path = {state}
host = {host}
instance_name_template = {name_prefix}-%08x
compute_driver = libvirt
allow_resize_to_same_host = True
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = {port}
[glance]
api_servers = http://127.0.0.1:{port}/image
[libvirt]
connection_uri = {uri}
virt_type = qemu
instances_path = {state}/instances
wait_soft_reboot_seconds = 60
"""


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class NovaCoreAll:
    """``nova-core-all`` in a subprocess, configured for the libvirt driver.

    The token ``admin:admin`` is accepted by the default noauth2 strategy.
    ``extra_config`` is appended to the configuration file. The domains'
    names are this cloud's own: every cloud numbers its instances from 1,
    and others (tests run alongside) share the libvirtd.
    """

    def __init__(self, state_dir, host='it-host', extra_config=''):
        self.headers = {'X-Auth-Token': 'admin:admin'}
        self.state_dir = state_dir
        self.port = free_port()
        self.conf_file = os.path.join(state_dir, 'nova-core.conf')
        with open(self.conf_file, 'w') as f:
            f.write(CONFIG.format(
                state=state_dir, host=host, port=self.port, uri=URI,
                name_prefix=f'nova-core-it-{uuid.uuid4().hex[:6]}'))
            f.write(extra_config)
        self.log_path = os.path.join(state_dir, 'nova-core-all.log')
        self.proc = None
        self.endpoint = f'http://127.0.0.1:{self.port}'

    def start(self, timeout=90):
        exe = shutil.which('nova-core-all')
        if exe is None:
            raise RuntimeError('nova-core-all is not installed')
        log = open(self.log_path, 'w')  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            [exe, '--config-file', self.conf_file], stdout=log,
            stderr=subprocess.STDOUT)
        ready = wait_for(self._ready, timeout, interval=0.5)
        if not ready:
            self.stop()
            raise RuntimeError(f'nova-core-all did not start:\n{self.log()}')

    def _ready(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f'nova-core-all exited:\n{self.log()}')
        return 'nova-core-all ready' in self.log()

    def log(self, tail=4000):
        with open(self.log_path, errors='replace') as f:
            return f.read()[-tail:]

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    # --- API calls ----------------------------------------------------------

    def request(self, method, path, **kwargs):
        import requests
        headers = dict(self.headers, **kwargs.pop('headers', {}))
        return requests.request(method, self.endpoint + path,
                                headers=headers, timeout=60, **kwargs)

    def upload_image(self, path, name, disk_format, container_format,
                     **properties):
        """Create an image and upload its data the Glance v2 way."""
        body = dict(name=name, disk_format=disk_format,
                    container_format=container_format, **properties)
        resp = self.request('POST', '/image/v2/images', json=body)
        assert resp.status_code == 201, resp.text
        image_id = resp.json()['id']
        with open(path, 'rb') as f:
            resp = self.request(
                'PUT', f'/image/v2/images/{image_id}/file', data=f,
                headers={'Content-Type': 'application/octet-stream'})
        assert resp.status_code == 204, resp.text
        return image_id

    def upload_guest(self, **properties):
        """The guest's kernel, ramdisk and disk as AMI-style images, the
        disk's with ``properties`` too; returns the id of the image to
        boot."""
        kernel = self.upload_image(os.path.join(GUEST_DIR, 'vmlinuz'),
                                   'nova-core-kernel', 'aki', 'aki')
        ramdisk = self.upload_image(os.path.join(GUEST_DIR, 'initrd.img'),
                                    'nova-core-ramdisk', 'ari', 'ari')
        return self.upload_image(
            os.path.join(GUEST_DIR, 'disk.qcow2'), 'nova-core-guest',
            'qcow2', 'bare', kernel_id=kernel, ramdisk_id=ramdisk,
            os_command_line='console=ttyS0', **properties)

    def boot(self, image_id, name, flavor='1'):
        resp = self.request('POST', '/v2.1/servers', json={'server': {
            'name': name, 'imageRef': image_id, 'flavorRef': flavor}})
        assert resp.status_code == 202, resp.text
        return resp.json()['server']['id']

    def server(self, server_id):
        resp = self.request('GET', f'/v2.1/servers/{server_id}')
        return None if resp.status_code == 404 else resp.json()['server']

    def wait_status(self, server_id, status, timeout=180):
        def check():
            server = self.server(server_id)
            if server and server['status'] == 'ERROR' and status != 'ERROR':
                raise AssertionError(f'server in ERROR: {server}')
            return server and server['status'] == status and \
                not server.get('OS-EXT-STS:task_state')
        return wait_for(check, timeout, interval=0.5)

    def action(self, server_id, body):
        return self.request('POST', f'/v2.1/servers/{server_id}/action',
                            json=body)

    def console(self, server_id):
        resp = self.action(server_id, {'os-getConsoleOutput': {}})
        return resp.json().get('output', '') if resp.ok else ''
