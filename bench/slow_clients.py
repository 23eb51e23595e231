"""How many slow or stalled clients the API tolerates.

For each kind of bad client and each count N, it opens N such connections,
waits a moment, then times ordinary requests (``GET /v2.1/flavors``) on
fresh connections. "Tolerated" is the largest N at which every ordinary
request still answered within 1 s.

Bad clients:

* ``slow-headers``: sends a request line, then one header byte per second,
  never finishing its head (slowloris);
* ``stalled-download``: asks for an image's data (``--image-mib``) and never
  reads it, with a small receive buffer.

Targets (each started here on a fresh state directory, SQLite):

* ``all``: ``nova-core-all`` (waitress, ``[api] wsgi_threads``);
* ``gunicorn``: ``gunicorn -c python:nova_core.wsgi.gunicorn_conf``
  (nova-core's worker) with ``--workers`` and ``--threads``;
* ``gunicorn-gthread``: the same with gunicorn's stock ``gthread`` worker,
  for comparison.

    python bench/slow_clients.py --target all gunicorn --counts 16 100 400
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADMIN = {'X-Auth-Token': 'admin:admin'}
BIN = os.path.dirname(sys.executable)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Target:
    """A nova-core API process on a fresh state directory."""

    def __init__(self, kind, args):
        self.kind = kind
        self.args = args
        self.dir = tempfile.mkdtemp(prefix='nova-core-slow-')
        self.port = free_port()
        self.base = 'http://127.0.0.1:%d' % self.port
        self.conf = os.path.join(self.dir, 'nova.conf')
        self.proc = None

    def write_config(self):
        with open(self.conf, 'w') as out:
            out.write('[DEFAULT]\nstate_path = %s\nosapi_compute_listen = '
                      '127.0.0.1\nosapi_compute_listen_port = %d\n'
                      '[api]\nwsgi_threads = %d\n' % (
                          self.dir, self.port, self.args.threads))
            if self.kind != 'all':
                out.write('[DEFAULT]\ntransport_url = fake:/\n[database]\n'
                          'connection = sqlite:///%s/nova.sqlite\n'
                          % self.dir)

    def command(self):
        if self.kind == 'all':
            return [os.path.join(BIN, 'nova-core-all'), '--config-file',
                    self.conf]
        argv = [os.path.join(BIN, 'gunicorn'), '-c',
                'python:nova_core.wsgi.gunicorn_conf', '-w',
                str(self.args.workers), '--threads', str(self.args.threads)]
        if self.kind == 'gunicorn-gthread':
            argv += ['--worker-class', 'gthread']
        return argv + ['nova_core.wsgi.api:application']

    def start(self):
        self.write_config()
        if self.kind != 'all':
            for cmd in (('db', 'sync'), ('flavor', 'seed')):
                subprocess.run([os.path.join(BIN, 'nova-core-manage'),
                                '--config-file', self.conf, *cmd],
                               check=True, capture_output=True)
        env = dict(os.environ, NOVA_CORE_CONFIG_FILE=self.conf)
        self.log = open(os.path.join(self.dir, 'server.log'), 'ab')
        self.proc = subprocess.Popen(self.command(), env=env, cwd=ROOT,
                                     stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + '/v2.1', timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError('%s did not start; see %s' % (self.kind,
                                                         self.dir))

    def upload_image(self, mib):
        created = requests.post(
            self.base + '/image/v2/images', headers=ADMIN, json={
                'name': 'big', 'disk_format': 'raw',
                'container_format': 'bare', 'visibility': 'public'})
        created.raise_for_status()
        image_id = created.json()['id']
        block = b'\0' * (1024 * 1024)
        requests.put(
            self.base + '/image/v2/images/%s/file' % image_id,
            headers=dict(ADMIN, **{'Content-Type':
                                   'application/octet-stream'}),
            data=(block for _ in range(mib))).raise_for_status()
        return image_id

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class BadClients:
    """N connections of one kind, kept bad by a background thread."""

    def __init__(self, target, kind, count, image_id):
        self.socks = []
        self.stop = threading.Event()
        for _ in range(count):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            try:
                sock.connect(('127.0.0.1', target.port))
                if kind == 'slow-headers':
                    sock.sendall(b'GET /v2.1/flavors HTTP/1.1\r\n'
                                 b'Host: x\r\nX-Slow: ')
                else:
                    sock.sendall(
                        b'GET /image/v2/images/%s/file HTTP/1.1\r\nHost: x'
                        b'\r\nX-Auth-Token: admin:admin\r\n\r\n'
                        % image_id.encode())
            except OSError:
                sock.close()
                continue
            self.socks.append(sock)
        self.trickler = threading.Thread(target=self._trickle, args=(kind,),
                                         daemon=True)
        self.trickler.start()

    def _trickle(self, kind):
        while not self.stop.wait(1.0):
            if kind != 'slow-headers':
                continue
            for sock in self.socks:
                try:
                    sock.send(b'a')
                except OSError:
                    pass

    def close(self):
        self.stop.set()
        self.trickler.join()
        for sock in self.socks:
            sock.close()


def ordinary_latency(target, samples):
    """Worst seconds of ``samples`` ordinary requests (10 s on failure)."""
    worst = 0.0
    for _ in range(samples):
        started = time.perf_counter()
        try:
            requests.get(target.base + '/v2.1/flavors',
                         headers={'X-Auth-Token': 'bench:bench'},
                         timeout=10).raise_for_status()
            worst = max(worst, time.perf_counter() - started)
        except requests.RequestException:
            worst = 10.0
    return worst


def run(kind_of_target, args):
    target = Target(kind_of_target, args).start()
    results = []
    try:
        image_id = target.upload_image(args.image_mib)
        for kind in args.clients:
            for count in args.counts:
                bad = BadClients(target, kind, count, image_id)
                time.sleep(args.settle)
                worst = ordinary_latency(target, args.samples)
                bad.close()
                results.append((kind_of_target, kind, count,
                                len(bad.socks), worst))
                print('%-16s %-16s %5d clients (%5d connected): worst '
                      'ordinary request %.3f s' % results[-1], flush=True)
                time.sleep(args.settle)
    finally:
        target.stop()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--target', nargs='+', default=['all', 'gunicorn'],
                        choices=['all', 'gunicorn', 'gunicorn-gthread'])
    parser.add_argument('--clients', nargs='+',
                        default=['slow-headers', 'stalled-download'],
                        choices=['slow-headers', 'stalled-download'])
    parser.add_argument('--counts', nargs='+', type=int,
                        default=[16, 100, 400])
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--threads', type=int, default=8)
    parser.add_argument('--image-mib', type=int, default=32)
    parser.add_argument('--samples', type=int, default=5)
    parser.add_argument('--settle', type=float, default=2.0,
                        help='seconds between opening bad clients and '
                             'measuring')
    args = parser.parse_args()
    table = []
    for kind in args.target:
        table += run(kind, args)
    print('\n| server | bad clients | count | worst ordinary request (s) |')
    print('|---|---|---|---|')
    for name, kind, count, _, worst in table:
        print('| %s | %s | %d | %s |' % (
            name, kind, count, '%.3f' % worst if worst < 10 else 'timeout'))
    for name in args.target:
        for kind in args.clients:
            ok = [c for n, k, c, _, w in table if n == name and k == kind
                  and w < 1.0]
            print('%s, %s: tolerated %s' % (name, kind, max(ok) if ok
                                            else 'none of the counts'))


if __name__ == '__main__':
    main()
