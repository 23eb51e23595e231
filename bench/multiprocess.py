"""Boot N servers on separate processes over RabbitMQ and MariaDB.

Starts the same cloud as ``tests/integration/test_multiprocess.py``: a
private RabbitMQ vhost, a fresh MariaDB database, ``nova-core-conductor``
(two by default), ``nova-core-compute`` (fake driver) and ``nova-core-api``
as separate processes, each with its own configuration file. Then it runs
``bench/boot.py``'s measurement against that endpoint and prints servers/s
to ACTIVE and the latency of ``GET /servers/detail``. Everything it made
(processes, vhost, database) is removed at the end.

    python bench/multiprocess.py --servers 50
    python bench/multiprocess.py --servers 200 --conductors 2 --threads 8
"""
import argparse
import concurrent.futures
import importlib.util
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


def _load_boot():
    spec = importlib.util.spec_from_file_location(
        'nova_core_bench_boot', os.path.join(ROOT, 'bench', 'boot.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def peak_rss_mib(pid):
    try:
        with open('/proc/%d/status' % pid) as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def measure(boot, endpoint, args):
    session = requests.Session()
    session.mount('http://', requests.adapters.HTTPAdapter(
        pool_maxsize=args.threads * 2))
    flavor = boot.find(session, endpoint, 'flavors', 'm1.tiny')
    image = boot.find(session, endpoint, 'images', 'fake-image')
    boot.lift_quotas(session, endpoint)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        ids = list(pool.map(lambda i: boot.boot(session, endpoint, flavor,
                                                image, i),
                            range(args.servers)))
    accepted = time.perf_counter() - start
    boot.wait_active(session, endpoint, args.timeout)
    active = time.perf_counter() - start
    samples = boot.detail_latency(session, endpoint, args.detail_rounds)
    start = time.perf_counter()
    boot.delete_all(session, endpoint, ids, args.threads)
    deleted = time.perf_counter() - start
    session.close()
    return {'accepted': args.servers / accepted, 'active_s': active,
            'rate': args.servers / active, 'samples': samples,
            'delete_s': deleted}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=50)
    parser.add_argument('--threads', type=int, default=8)
    parser.add_argument('--conductors', type=int, default=2)
    parser.add_argument('--computes', type=int, default=1)
    parser.add_argument('--detail-rounds', type=int, default=20)
    parser.add_argument('--timeout', type=float, default=600)
    parser.add_argument('--keep', action='store_true',
                        help='keep the work directory (configs, logs)')
    args = parser.parse_args()

    for name, where in (('RabbitMQ', cloudlib.RABBIT),
                        ('MariaDB', cloudlib.MARIADB)):
        if not cloudlib.port_open(*where):
            sys.exit('%s is not listening on %s:%s' % ((name,) + where))
    boot = _load_boot()
    workdir = tempfile.mkdtemp(prefix='nova-core-mp-bench-')
    vhost = cloudlib.RabbitVhost().create()
    db_name = cloudlib.unique_name('nova_core_bench')
    cloud = None
    try:
        db_url = cloudlib.create_mariadb(db_name)
        cloud = cloudlib.MultiProcessCloud(
            workdir, vhost.transport_url, db_url,
            conductors=args.conductors, computes=args.computes)
        started = time.perf_counter()
        cloud.start()
        print('cloud up in %.1f s: %d conductor(s), %d compute(s), api at %s'
              % (time.perf_counter() - started, args.conductors,
                 args.computes, cloud.endpoint))
        cloud.upload_image(b'\0' * (1024 * 1024), name='fake-image')
        result = measure(boot, cloud.endpoint, args)
        samples = result['samples']
        print('target: separate processes, RabbitMQ + MariaDB, fake driver')
        print('servers: %d, client threads: %d' % (args.servers,
                                                   args.threads))
        print('POST /servers accepted: %.1f/s' % result['accepted'])
        print('boots to ACTIVE: %.2f s, %.1f servers/s'
              % (result['active_s'], result['rate']))
        print('GET /servers/detail with %d servers: median %.1f ms, '
              'p90 %.1f ms, %.1f requests/s' % (
                  args.servers, statistics.median(samples) * 1000,
                  sorted(samples)[int(len(samples) * 0.9) - 1] * 1000,
                  len(samples) / sum(samples)))
        print('DELETE of all servers: %.2f s' % result['delete_s'])
        print('peak RSS: %s' % ', '.join(
            '%s %.0f MiB' % (p.name, peak_rss_mib(p.pid))
            for p in cloud.processes))
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
            print('work directory: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
