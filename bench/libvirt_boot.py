"""How long a real TCG guest takes to boot through nova-core.

Three ways to boot the same guest (the kernel + busybox initramfs that
``.ci/setup-libvirt.sh`` builds), 1 and 3 at a time:

* ``virsh``  -- a bare ``virsh create`` of the domain XML the driver makes;
* ``driver`` -- ``LibvirtDriver.spawn`` (image cache warm, overlay, define,
  start), no services;
* ``api``    -- ``POST /v2.1/servers`` against nova-core-all with the libvirt
  driver: to ACTIVE, and to the first console line read through
  os-getConsoleOutput.

Every figure is seconds from the request to the moment; "console" is the
first ``nova-core guest up`` line in the console log. Run as root with
libvirtd up::

    python bench/libvirt_boot.py [--rounds 3] [--write FILE]

Its figures are in bench/RESULTS.md.
"""
import argparse
import concurrent.futures
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.integration import libvirt_guest as guest

CONSOLE_TIMEOUT = 180


def _console_up(path):
    try:
        with open(path, errors='replace') as f:
            return guest.UP_LINE in f.read()
    except FileNotFoundError:
        return False


def _driver(state_dir):
    from oslo_config import cfg

    from nova_core.conf import default as default_conf
    from nova_core_drivers.libvirt import conf as libvirt_conf
    from nova_core_drivers.libvirt import driver as libvirt_driver
    conf = cfg.ConfigOpts()
    default_conf.register_opts(conf)
    libvirt_conf.register_opts(conf)
    conf([], project='nova-core-bench')
    conf.set_override('instances_path', os.path.join(state_dir, 'inst'))
    conf.set_override('connection_uri', guest.URI, group='libvirt')
    conf.set_override('virt_type', 'qemu', group='libvirt')
    conf.set_override('image_cache_manager_interval', 0, group='libvirt')
    drv = libvirt_driver.LibvirtDriver(conf, guest.LocalImages())
    drv.init_host('bench')
    return drv


# --- one boot each way ----------------------------------------------------

def boot_virsh(drv, state_dir, n):
    """``virsh create`` of the XML the driver makes, files made
    beforehand (not timed)."""
    from nova_core_drivers.libvirt import disk, guest_xml
    from nova_core_drivers.libvirt.guest_files import GuestFiles
    inst = guest.make_instance(n)
    inst_dir = os.path.join(state_dir, 'virsh', inst['uuid'])
    os.makedirs(inst_dir, mode=0o755)
    files = GuestFiles(inst_dir,
                       kernel=os.path.join(guest.GUEST_DIR, 'vmlinuz'),
                       ramdisk=os.path.join(guest.GUEST_DIR, 'initrd.img'))
    disk.create_overlay(os.path.join(guest.GUEST_DIR, 'disk.qcow2'),
                        'qcow2', files.disk, 1024 ** 3)
    image_meta = drv.image_service.machine
    xml_path = os.path.join(inst_dir, 'domain.xml')
    with open(xml_path, 'w') as f:
        f.write(guest_xml.domain_xml(inst, image_meta, files, 'qemu'))
    start = time.monotonic()
    subprocess.run(['virsh', '-q', '-c', guest.URI, 'create', xml_path],
                   check=True, capture_output=True)
    created = time.monotonic() - start
    guest.wait_for(lambda: _console_up(files.console_log), CONSOLE_TIMEOUT)
    console = time.monotonic() - start
    subprocess.run(['virsh', '-q', '-c', guest.URI, 'destroy', inst['name']],
                   check=False, capture_output=True)
    return created, console


def boot_driver(drv, state_dir, n):
    inst = guest.make_instance(n)
    start = time.monotonic()
    drv.spawn(None, inst, drv.image_service.machine)
    running = time.monotonic() - start
    log = os.path.join(drv.instances_path, inst['uuid'], 'console.log')
    guest.wait_for(lambda: _console_up(log), CONSOLE_TIMEOUT)
    console = time.monotonic() - start
    drv.destroy(None, inst)
    return running, console


def boot_api(cloud, image_id, n):
    start = time.monotonic()
    server_id = cloud.boot(image_id, f'bench-{n}')
    if not cloud.wait_status(server_id, 'ACTIVE', timeout=CONSOLE_TIMEOUT):
        raise RuntimeError(f'{server_id} not ACTIVE:\n{cloud.log()}')
    active = time.monotonic() - start
    guest.wait_for(lambda: guest.UP_LINE in cloud.console(server_id),
                   CONSOLE_TIMEOUT, interval=0.2)
    console = time.monotonic() - start
    cloud.request('DELETE', f'/v2.1/servers/{server_id}')
    guest.wait_for(lambda: cloud.server(server_id) is None, 60)
    return active, console


# --- driving them -----------------------------------------------------------

def measure(boot, args, concurrency, rounds):
    """Per-guest (ready, console) times over ``rounds`` batches."""
    ready, console = [], []
    for _ in range(rounds):
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            futures = [pool.submit(boot, *args, n)
                       for n in range(concurrency)]
            for fut in futures:
                r, c = fut.result()
                ready.append(r)
                console.append(c)
    return ready, console


def fmt(values):
    return (f'{statistics.median(values):.2f} '
            f'({min(values):.2f}-{max(values):.2f})')


def run(rounds):
    state_dir = tempfile.mkdtemp(prefix='nova-core-bench-',
                                 dir='/var/lib/libvirt/images')
    os.chmod(state_dir, 0o755)
    rows = []
    drv = _driver(state_dir)
    try:
        boot_driver(drv, state_dir, 99)  # warm the image cache
        for concurrency in (1, 3):
            for name, boot, ready_label in (
                    ('virsh create', boot_virsh, 'created'),
                    ('driver.spawn', boot_driver, 'RUNNING')):
                r, c = measure(boot, (drv, state_dir), concurrency, rounds)
                rows.append((name, concurrency, ready_label, r, c))
                print(rows[-1][:3], fmt(r), fmt(c), flush=True)
        rows += run_api(state_dir, rounds)
    finally:
        drv.cleanup_host('bench')
        shutil.rmtree(state_dir, ignore_errors=True)
    return rows


def run_api(state_dir, rounds):
    if not shutil.which('nova-core-all'):
        print('nova-core-all not installed: API figures skipped')
        return []
    api_dir = os.path.join(state_dir, 'api')
    os.makedirs(api_dir, mode=0o755)
    cloud = guest.NovaCoreAll(api_dir, host='bench-host')
    cloud.start()
    rows = []
    try:
        image_id = cloud.upload_guest()
        boot_api(cloud, image_id, 99)  # warm the compute node's cache
        for concurrency in (1, 3):
            r, c = measure(boot_api, (cloud, image_id), concurrency, rounds)
            rows.append(('POST /servers', concurrency, 'ACTIVE', r, c))
            print(rows[-1][:3], fmt(r), fmt(c), flush=True)
    finally:
        cloud.stop()
    return rows


def table(rows, rounds):
    lines = [
        '## libvirt driver: real QEMU (TCG) guest boot',
        '',
        ('Guest: Debian cloud kernel + busybox initramfs, 1 vCPU, 256 MiB '
        '(512 MiB through the API, flavor m1.tiny), `virt_type = qemu`, '
        'image cache warm. Seconds from the request, median (min-max) '
        f'over {rounds} rounds, per guest. "console" is the guest\'s first '
        '"nova-core guest up" line in its console log (through '
        'os-getConsoleOutput for the API rows). Produced by '
        '`python bench/libvirt_boot.py`.'),
        '',
        '| how | guests at once | until | ready (s) '
        '| first console line (s) |',
        '|---|---|---|---|---|',
    ]
    for name, conc, label, r, c in rows:
        lines.append(f'| {name} | {conc} | {label} | {fmt(r)} | {fmt(c)} |')
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--write', help='also write the table to this file')
    args = parser.parse_args()
    if not (guest.libvirtd_answers() and guest.guest_built()):
        sys.exit('libvirtd or the guest is missing: run .ci/setup-libvirt.sh')
    text = table(run(args.rounds), args.rounds)
    print(text)
    if args.write:
        with open(args.write, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
