"""Conductor CPU per heartbeat: N compute services at report_interval 1.

Starts one ``nova-core-conductor`` on a private RabbitMQ vhost and a fresh
MariaDB database, then plays N compute services from this process: each
registers, then calls ``service_heartbeat`` once a second, as
``nova-core-compute`` does at ``report_interval = 1``. Calls are signed
with each host's key where the code base signs them (``host_auth``), so
the conductor does all it does for a real compute node.

The conductor runs under a small wrapper that times oslo.messaging's
dispatch of each call (wall and thread CPU time, the "handler" time: for
a guarded conductor that includes checking the signature and the rule).
The CPU of the whole conductor process (``/proc/PID/stat``: receiving,
decoding, the database round trip, the reply) is read over a window
without heartbeats (idle) and over a window with them; their difference
divided by the heartbeats answered is the CPU per message.

It uses nothing but ``nova_core`` and the console scripts, so that the
same file measures an older code base: run it from that checkout with
``PYTHONPATH`` pointing there.

    python bench/heartbeats.py --services 100 --seconds 20
"""
import argparse
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import pymysql

#: Runs the conductor with oslo.messaging's dispatch timed; the figures
#: are written to STATS_FILE every half second.
WRAPPER = r'''
import json, os, sys, threading, time
import oslo_messaging.rpc.dispatcher as dispatcher

STATS = {}
LOCK = threading.Lock()
_dispatch = dispatcher.RPCDispatcher._do_dispatch


def timed(self, endpoint, method, ctxt, args):
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        return _dispatch(self, endpoint, method, ctxt, args)
    finally:
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        with LOCK:
            entry = STATS.setdefault(method, [0, 0.0, 0.0, []])
            entry[0] += 1
            entry[1] += wall
            entry[2] += cpu
            if len(entry[3]) < 100000:
                entry[3].append(wall)


def dump():
    while True:
        time.sleep(0.5)
        with LOCK:
            text = json.dumps(STATS)
        with open(os.environ['STATS_FILE'] + '.tmp', 'w') as f:
            f.write(text)
        os.replace(os.environ['STATS_FILE'] + '.tmp',
                   os.environ['STATS_FILE'])


if os.environ.get('PROFILE_FILE'):
    import atexit
    import yappi
    yappi.set_clock_type('cpu')
    yappi.start(builtins=False)
    atexit.register(lambda: yappi.get_func_stats().save(
        os.environ['PROFILE_FILE'], type='pstat'))
dispatcher.RPCDispatcher._do_dispatch = timed
threading.Thread(target=dump, daemon=True).start()
from nova_core.cmd.conductor import main
sys.exit(main(['nova-core-conductor'] + sys.argv[1:]))
'''


def rabbitmqctl(*args):
    subprocess.run(['rabbitmqctl', '-q', *args], check=True,
                   capture_output=True, timeout=60)


def mariadb(statement):
    conn = pymysql.connect(host='127.0.0.1', user='root', password='')
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
        conn.commit()
    finally:
        conn.close()


def process_cpu(pid):
    """User + system CPU seconds of process ``pid`` (all its threads)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def read_stats(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


class Conductor:
    """One nova-core-conductor on its own vhost and database."""

    def __init__(self, workdir, profile=None, pool_size=None):
        self.workdir = workdir
        self.profile = profile
        self.pool_size = pool_size
        self.name = 'hb_%s' % uuid.uuid4().hex[:10]
        self.secret = uuid.uuid4().hex * 2
        self.conf = os.path.join(workdir, 'conductor.conf')
        self.stats = os.path.join(workdir, 'stats.json')
        self.proc = None

    def start(self):
        rabbitmqctl('add_user', self.name, self.name)
        rabbitmqctl('add_vhost', self.name)
        rabbitmqctl('set_permissions', '-p', self.name, self.name,
                    '.*', '.*', '.*')
        mariadb('CREATE DATABASE %s CHARACTER SET utf8mb4' % self.name)
        with open(self.conf, 'w') as f:
            f.write('[DEFAULT]\nhost = conductor-1\nstate_path = %s\n'
                    'transport_url = rabbit://%s:%s@127.0.0.1:5672/%s\n'
                    'report_interval = 1\n'
                    '[database]\nconnection = mysql+pymysql://root@'
                    '127.0.0.1/%s?charset=utf8mb4\n'
                    '[conductor]\nhost_key_secret = %s\n' % (
                        self.workdir, self.name, self.name, self.name,
                        self.name, self.secret))
            if self.pool_size:
                f.write('[database]\nmax_pool_size = %d\n' % self.pool_size)
        subprocess.run([shutil.which('nova-core-manage'), '--config-file',
                        self.conf, 'db', 'sync'], check=True,
                       capture_output=True, timeout=300)
        wrapper = os.path.join(self.workdir, 'conductor_timed.py')
        with open(wrapper, 'w') as f:
            f.write(WRAPPER)
        log = open(os.path.join(self.workdir, 'conductor.log'), 'w')
        self.proc = subprocess.Popen(
            [sys.executable, wrapper, '--config-file', self.conf],
            stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, STATS_FILE=self.stats,
                     PROFILE_FILE=self.profile or ''))
        deadline = time.monotonic() + 60
        while 'nova-conductor started' not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                sys.exit('the conductor did not start:\n' + self.log())
            time.sleep(0.2)

    def log(self):
        with open(os.path.join(self.workdir, 'conductor.log')) as f:
            return f.read()

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        try:
            rabbitmqctl('delete_vhost', self.name)
            rabbitmqctl('delete_user', self.name)
        finally:
            mariadb('DROP DATABASE IF EXISTS %s' % self.name)


def clients(conductor, hosts):
    """One conductor RPC client per compute host, signing as that host
    where this code base signs calls."""
    from nova_core import config, rpc
    from nova_core.conductor import rpcapi
    from nova_core.conf import CONF
    config.parse_args(['heartbeats', '--config-file', conductor.conf],
                      default_config_files=[])
    rpc.init(CONF)
    if 'signer' not in inspect.signature(rpcapi.ConductorAPI).parameters:
        # A code base from before signed calls.
        return {h: rpcapi.ConductorAPI(CONF) for h in hosts}
    from nova_core import host_auth
    return {h: rpcapi.ConductorAPI(CONF, signer=host_auth.Signer(
        host_auth.COMPUTE, h, lambda h=h: host_auth.derive_host_key(
            conductor.secret, h))) for h in hosts}


def beat(client, host, ctxt, interval, stop, answered, late):
    """Heartbeat every ``interval`` seconds until ``stop`` is set."""
    next_at = time.monotonic()
    while not stop.is_set():
        client.service_heartbeat(ctxt, host, 'nova-compute')
        answered.append(host)
        next_at += interval
        wait = next_at - time.monotonic()
        if wait < 0:
            late.append(-wait)
            next_at = time.monotonic()
        elif stop.wait(wait):
            break


def dispatch_delta(before, after, method):
    b = before.get(method, [0, 0.0, 0.0, []])
    a = after.get(method, [0, 0.0, 0.0, []])
    count = a[0] - b[0]
    return count, (a[1] - b[1]), (a[2] - b[2]), a[3][len(b[3]):]


def measure(conductor, args):
    from nova_core import context
    hosts = ['hb-compute-%03d' % i for i in range(args.services)]
    rpc_clients = clients(conductor, hosts)
    ctxt = context.get_admin_context()
    for host in hosts:
        rpc_clients[host].service_register(ctxt, host, 'nova-compute',
                                           'compute')
    time.sleep(1)
    pid = conductor.proc.pid
    stats_before, cpu_before = read_stats(conductor.stats), \
        process_cpu(pid)
    time.sleep(args.idle_seconds)
    idle_cpu = (process_cpu(pid) - cpu_before) / args.idle_seconds
    stop, answered, late = threading.Event(), [], []
    threads = [threading.Thread(target=beat, args=(
        rpc_clients[h], h, ctxt, args.interval, stop, answered, late))
        for h in hosts]
    for thread in threads:
        thread.start()
        time.sleep(args.interval / len(threads))  # spread them out
    time.sleep(2)  # all beating
    time.sleep(0.6)  # the stats file is at most 0.5 s old
    stats_before, cpu_before = read_stats(conductor.stats), \
        process_cpu(pid)
    count_before, started = len(answered), time.monotonic()
    time.sleep(args.seconds)
    time.sleep(0.6)
    cpu_after, stats_after = process_cpu(pid), read_stats(conductor.stats)
    elapsed = time.monotonic() - started
    count = len(answered) - count_before
    stop.set()
    for thread in threads:
        thread.join(30)
    from nova_core import rpc
    rpc.cleanup()
    calls, wall, cpu, samples = dispatch_delta(stats_before, stats_after,
                                               'service_heartbeat')
    busy = cpu_after - cpu_before
    return {
        'services': args.services, 'seconds': elapsed,
        'answered_per_s': count / elapsed, 'handled': calls,
        'handler_wall_ms': wall / calls * 1000,
        'handler_wall_p50_ms': statistics.median(samples) * 1000,
        'handler_cpu_ms': cpu / calls * 1000,
        'process_cpu_per_s': busy / elapsed, 'idle_cpu_per_s': idle_cpu,
        'cpu_per_message_ms': busy / calls * 1000,
        'net_cpu_per_message_ms': (busy - idle_cpu * elapsed) / calls *
        1000, 'late_beats': len(late),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--services', type=int, default=100)
    parser.add_argument('--interval', type=float, default=1.0,
                        help='report_interval of the simulated computes')
    parser.add_argument('--seconds', type=float, default=20)
    parser.add_argument('--idle-seconds', type=float, default=5)
    parser.add_argument('--profile', help='profile the conductor with yappi '
                        '(CPU clock) into this pstats file')
    parser.add_argument('--max-pool-size', type=int,
                        help="the conductor's [database] max_pool_size "
                             "(default: the code base's default)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix='nova-core-hb-bench-')
    conductor = Conductor(workdir, args.profile, args.max_pool_size)
    try:
        conductor.start()
        result = measure(conductor, args)
    except BaseException:
        if conductor.proc is not None:
            print(conductor.log()[-5000:], file=sys.stderr)
        raise
    finally:
        conductor.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print('code: %s' % os.path.dirname(os.path.dirname(
        __import__('nova_core').__file__)))
    print('compute services: %(services)d, heartbeats answered: '
          '%(answered_per_s).1f/s over %(seconds).1f s (%(late_beats)d '
          'late)' % result)
    print('heartbeat handler (dispatch): mean %(handler_wall_ms).2f ms, '
          'median %(handler_wall_p50_ms).2f ms wall, %(handler_cpu_ms).2f '
          'ms CPU' % result)
    print('conductor process CPU: %(process_cpu_per_s).3f s/s with '
          'heartbeats, %(idle_cpu_per_s).3f s/s idle; per heartbeat '
          'message %(cpu_per_message_ms).2f ms (%(net_cpu_per_message_ms)'
          '.2f ms above idle)' % result)


if __name__ == '__main__':
    main()
