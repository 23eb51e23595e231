"""Time the moves of one server: cold migration (migrate + confirm,
migrate + revert) and shelve / shelveOffload / unshelve.

Each round boots one server (not timed), then times, from the request to
the server in its end state with no task left (polled every
``--interval`` seconds, so each figure is late by up to one interval):

* ``migrate``: ``migrate`` until VERIFY_RESIZE on the other host, then
  ``confirmResize`` until ACTIVE there; ``migrate`` again, then
  ``revertResize`` until ACTIVE back on the source;
* ``shelve`` until SHELVED (``shelved_offload_time = -1``, so that the
  guest stays), ``shelveOffload`` until SHELVED_OFFLOADED, ``unshelve``
  until ACTIVE;

and deletes the server. It prints p50 and p90 of each step over the
rounds. Two setups:

``--driver fake`` (default): the cloud of ``bench/multiprocess.py``
(``nova-core-api``, one ``nova-core-conductor``, two ``nova-core-compute``
with the fake driver, on a private RabbitMQ vhost and a fresh MariaDB
database); a migration needs a second host.

``--driver libvirt``: ``nova-core-all`` with the libvirt driver and a real
TCG guest (``tests/integration/libvirt_guest.py``; run as root, after
``.ci/setup-libvirt.sh``). One host, and the libvirt driver cannot move a
guest's disks to another host, so a cold migration has nowhere to go (as
in Nova, a migration never stays on its host; the bench checks that it
is refused that way): the resize in place that
``allow_resize_to_same_host`` allows is timed instead (to a bigger flavor
and confirm, to another and revert), the same steps on the driver
(``migrate_disk_and_power_off``, ``finish_migration``, confirm or
revert). Unshelve is also timed until the guest's first console line.

    python bench/moves.py --rounds 20
    python bench/moves.py --driver libvirt --rounds 3
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.integration import cloud as cloudlib  # noqa: E402

HEADERS = {'X-Auth-Token': 'admin:admin',
           'OpenStack-API-Version': 'compute 2.100'}
HOST = 'OS-EXT-SRV-ATTR:host'
#: Flavors of the libvirt resize (flavorid, vcpus, memory_mb, root_gb),
#: small so that TCG boots quickly and both claims fit on one host.
LIBVIRT_FLAVORS = {'small': ('bench-moves-1', 1, 256, 1),
                   'big': ('bench-moves-2', 2, 384, 2),
                   'bigger': ('bench-moves-3', 2, 320, 3)}


class Api:
    """The Compute API of the cloud measured, as the admin."""

    def __init__(self, endpoint, interval, timeout, slow=float('inf')):
        self.slow = slow
        self.endpoint = endpoint.rstrip('/')
        self.interval = interval
        self.timeout = timeout
        self.session = requests.Session()

    def request(self, method, path, **kwargs):
        response = self.session.request(method, self.endpoint + path,
                                        headers=HEADERS, timeout=60,
                                        **kwargs)
        return response

    def server(self, server_id):
        response = self.request('GET', '/servers/%s' % server_id)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()['server']

    def boot(self, image, flavor, name):
        response = self.request('POST', '/servers', json={'server': {
            'name': name, 'imageRef': image, 'flavorRef': flavor,
            'networks': 'none'}})
        if response.status_code != 202:
            sys.exit('boot: %d %s' % (response.status_code, response.text))
        server_id = response.json()['server']['id']
        self.wait(server_id, 'ACTIVE')
        return server_id

    def wait(self, server_id, status):
        """Until the server is in ``status`` with no task; exits on ERROR
        or after the timeout."""
        deadline = time.monotonic() + self.timeout
        while True:
            server = self.server(server_id)
            if server['status'] == status and not server.get(
                    'OS-EXT-STS:task_state'):
                return server
            if server['status'] == 'ERROR' or time.monotonic() > deadline:
                sys.exit('server %s not %s: %s' % (server_id, status,
                                                   server))
            time.sleep(self.interval)

    def timed(self, server_id, action, status):
        """Seconds from the action's request to ``status``."""
        start = time.perf_counter()
        response = self.request('POST', '/servers/%s/action' % server_id,
                                json=action)
        if response.status_code not in (202, 204):
            sys.exit('%s: %d %s' % (action, response.status_code,
                                    response.text))
        server = self.wait(server_id, status)
        seconds = time.perf_counter() - start
        if seconds > self.slow:
            print('slow: %s of %s took %.2f s (from %s UTC)' % (
                next(iter(action)), server_id, seconds, time.strftime(
                    '%H:%M:%S', time.gmtime(time.time() - seconds))),
                flush=True)
        return seconds, server

    def delete(self, server_id):
        self.request('DELETE', '/servers/%s' % server_id)
        deadline = time.monotonic() + self.timeout
        while self.server(server_id) is not None:
            if time.monotonic() > deadline:
                sys.exit('server %s not deleted' % server_id)
            time.sleep(self.interval)


def shelve_round(api, server_id, times):
    for name, action, status in (
            ('shelve', {'shelve': None}, 'SHELVED'),
            ('shelveOffload', {'shelveOffload': None}, 'SHELVED_OFFLOADED'),
            ('unshelve', {'unshelve': None}, 'ACTIVE')):
        seconds, _ = api.timed(server_id, action, status)
        times.setdefault(name, []).append(seconds)


def migrate_round(api, server_id, times):
    source = api.server(server_id)[HOST]
    for end in ('confirmResize', 'revertResize'):
        moved, server = api.timed(server_id, {'migrate': None},
                                  'VERIFY_RESIZE')
        if server[HOST] == source:
            sys.exit('migrated to its own host %s' % source)
        dest = server[HOST]
        ended, server = api.timed(server_id, {end: None}, 'ACTIVE')
        if server[HOST] != (source if end == 'revertResize' else dest):
            sys.exit('%s left the server on %s' % (end, server[HOST]))
        what = 'migrate + %s' % end.replace('Resize', '')
        times.setdefault('%s: migrate' % what, []).append(moved)
        times.setdefault('%s: %s' % (what, end), []).append(ended)
        times.setdefault('%s: total' % what, []).append(moved + ended)
        source = server[HOST]


def resize_round(api, server_id, flavors, times, guest):
    """Resize in place and confirm, then resize again and revert. Each
    step that powers the guest off waits first until the guest is up
    (``guest``: its boots so far, and a wait for more), so that it is
    never stopped while it boots, and how long the guest takes to come up
    after the resize is timed too."""
    for flavor, end in (('big', 'confirmResize'),
                        ('bigger', 'revertResize')):
        boots = guest.boots()
        start = time.perf_counter()
        moved, _ = api.timed(server_id, {'resize': {
            'flavorRef': flavors[flavor]}}, 'VERIFY_RESIZE')
        up = guest.wait_boots(boots + 1) - start
        ended, server = api.timed(server_id, {end: None}, 'ACTIVE')
        if server['flavor']['original_name'] != 'bench-moves.big':
            sys.exit('%s left flavor %s' % (end, server['flavor']))
        what = 'resize in place + %s' % end.replace('Resize', '')
        times.setdefault('%s: resize' % what, []).append(moved)
        times.setdefault('%s: resize, guest console up' % what,
                         []).append(up)
        times.setdefault('%s: %s' % (what, end), []).append(ended)
        times.setdefault('%s: total' % what, []).append(moved + ended)
        if end == 'revertResize':  # the guest boots again, as it was
            guest.wait_boots(boots + 2)


class GuestConsole:
    """The "guest up" lines of a server's console log file (read from
    the file: os-getConsoleOutput answers 409 while a resize waits)."""

    def __init__(self, path, up_line, timeout):
        self.path = path
        self.up_line = up_line
        self.timeout = timeout

    def boots(self):
        try:
            with open(self.path, errors='replace') as f:
                return f.read().count(self.up_line)
        except FileNotFoundError:
            return 0

    def wait_boots(self, count):
        """Until the log shows ``count`` boots; returns the moment."""
        deadline = time.monotonic() + self.timeout
        while self.boots() < count:
            if time.monotonic() > deadline:
                sys.exit('%s: no boot %d in %ss' % (self.path, count,
                                                     self.timeout))
            time.sleep(0.1)
        return time.perf_counter()


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def report(title, times):
    print('=== %s' % title)
    print('| step | runs | p50 (s) | p90 (s) | min-max (s) |')
    print('|---|---|---|---|---|')
    for name, values in times.items():
        print('| %s | %d | %.2f | %.2f | %.2f-%.2f |' % (
            name, len(values), statistics.median(values),
            percentile(values, 0.9), min(values), max(values)))
    print('load average at the end: %.1f' % os.getloadavg()[0])


# --- fake driver: separate processes, two hosts ---------------------------

def run_fake(args):
    for name, where in (('RabbitMQ', cloudlib.RABBIT),
                        ('MariaDB', cloudlib.MARIADB)):
        if not cloudlib.port_open(*where):
            sys.exit('%s is not listening on %s:%s' % ((name,) + where))
    workdir = tempfile.mkdtemp(prefix='nova-core-moves-bench-')
    vhost = cloudlib.RabbitVhost().create()
    db_name = cloudlib.unique_name('nova_core_bench')
    cloud = None
    try:
        db_url = cloudlib.create_mariadb(db_name)
        cloud = cloudlib.MultiProcessCloud(
            workdir, vhost.transport_url, db_url, conductors=1, computes=2,
            options={'*': {'DEFAULT': {'shelved_offload_time': -1}}})
        cloud.start()
        image = cloud.upload_image(b'\0' * (1024 * 1024), name='fake-image')
        api = Api(cloud.endpoint, args.interval, args.timeout, args.slow)
        times = {}
        for n in range(args.rounds):
            server_id = api.boot(image, '1', 'moves-%d' % n)
            migrate_round(api, server_id, times)
            shelve_round(api, server_id, times)
            api.delete(server_id)
        report('fake driver, separate processes (RabbitMQ, MariaDB), two '
               'hosts, %d rounds, polled every %.2f s'
               % (args.rounds, args.interval), times)
    except BaseException:
        if cloud is not None:
            print(cloud.logs(), file=sys.stderr)
        raise
    finally:
        if cloud is not None:
            cloud.stop()
        vhost.delete()
        cloudlib.drop_mariadb(db_name)
        if args.keep:
            print('work directory (configurations, logs): %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# --- libvirt driver: nova-core-all, one host, real TCG guests -------------

def _flavors(api):
    for name, (flavorid, vcpus, ram, disk) in LIBVIRT_FLAVORS.items():
        response = api.request('POST', '/flavors', json={'flavor': {
            'name': 'bench-moves.%s' % name, 'id': flavorid,
            'vcpus': vcpus, 'ram': ram, 'disk': disk}})
        response.raise_for_status()
    return {name: spec[0] for name, spec in LIBVIRT_FLAVORS.items()}


def _migration_refused(api, server_id):
    """A cold migration on this one libvirt host is accepted (202, as
    Nova) and then fails with no host to go to; returns the fault's
    message."""
    response = api.request('POST', '/servers/%s/action' % server_id,
                           json={'migrate': None})
    if response.status_code != 202:
        return 'refused at once: %d %s' % (response.status_code,
                                           response.text)
    deadline = time.monotonic() + api.timeout
    while time.monotonic() < deadline:
        listed = api.request('GET', '/os-migrations', params={
            'instance_uuid': server_id}).json()['migrations']
        if listed and listed[-1]['status'] == 'error':
            api.wait(server_id, 'ACTIVE')
            return 'migration %s, server ACTIVE on %s' % (
                listed[-1]['status'], api.server(server_id)[HOST])
        time.sleep(api.interval)
    sys.exit('the migration on one libvirt host did not fail')


def run_libvirt(args):
    from tests.integration import libvirt_guest as guest
    if not (guest.libvirtd_answers() and guest.guest_built()):
        sys.exit('libvirtd or the guest is missing: run '
                 '.ci/setup-libvirt.sh')
    state_dir = tempfile.mkdtemp(prefix='nova-core-moves-bench-',
                                 dir='/var/lib/libvirt/images')
    os.chmod(state_dir, 0o755)
    cloud = guest.NovaCoreAll(state_dir, host='bench-host')
    with open(cloud.conf_file, 'a') as f:
        # A second [DEFAULT] is merged into the first. The domains' names
        # are this run's own: other clouds on the same libvirtd (tests run
        # alongside) name theirs instance-%08x too.
        f.write('[DEFAULT]\nshelved_offload_time = -1\n'
                'instance_name_template = bench-moves-%d-%%08x\n'
                % os.getpid())
    cloud.start()
    try:
        api = Api(cloud.endpoint + '/v2.1', args.interval, args.timeout)
        flavors = _flavors(api)
        image = cloud.upload_guest()
        times, refused = {}, None
        for n in range(args.rounds):
            server_id = api.boot(image, flavors['small'], 'moves-%d' % n)
            console = GuestConsole(os.path.join(
                state_dir, 'instances', server_id, 'console.log'),
                guest.UP_LINE, args.timeout)
            console.wait_boots(1)
            if refused is None:
                refused = _migration_refused(api, server_id)
            resize_round(api, server_id, flavors, times, console)
            shelve_round(api, server_id, times)
            start = time.perf_counter() - times['unshelve'][-1]
            # The guest's files went with the offload: a new log.
            up = console.wait_boots(1) - start
            times.setdefault('unshelve: guest console up', []).append(up)
            api.delete(server_id)
        report('libvirt driver (QEMU TCG), nova-core-all, one host, %d '
               'rounds, polled every %.2f s' % (args.rounds, args.interval),
               times)
        print('cold migration on one host: %s' % refused)
    except BaseException:
        print(cloud.log(), file=sys.stderr)
        raise
    finally:
        cloud.stop()
        shutil.rmtree(state_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--driver', choices=('fake', 'libvirt'),
                        default='fake')
    parser.add_argument('--rounds', type=int)
    parser.add_argument('--interval', type=float,
                        help='seconds between status polls (default 0.05 '
                             'with the fake driver, 0.2 with libvirt)')
    parser.add_argument('--timeout', type=float, default=300)
    parser.add_argument('--slow', type=float, default=float('inf'),
                        help='print each step that takes longer than this '
                             '(seconds), with its server and start time')
    parser.add_argument('--keep', action='store_true',
                        help='fake driver: keep the work directory '
                             '(configurations, logs)')
    args = parser.parse_args()
    if args.driver == 'fake':
        args.rounds = args.rounds or 20
        args.interval = args.interval or 0.05
        run_fake(args)
    else:
        args.rounds = args.rounds or 3
        args.interval = args.interval or 0.2
        run_libvirt(args)


if __name__ == '__main__':
    main()
