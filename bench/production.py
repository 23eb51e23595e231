"""The API under its production server: gunicorn with N workers.

For each target it boots ``--servers`` servers from ``--threads`` client
threads (servers/s to ACTIVE, as ``bench/boot.py``), then lists them with
``GET /servers/detail`` from ``--detail-clients`` concurrent clients for
``--detail-seconds`` (requests/s and median latency), then deletes them.

Targets:

* ``all``: ``nova-core-all`` (one process: waitress, SQLite, ``local://``);
* ``api``: separate processes on RabbitMQ and MariaDB (as
  ``bench/multiprocess.py``: two conductors, one compute) with
  ``nova-core-api`` (waitress, one process);
* ``gunicorn-N``: the same cloud with the API served as production serves
  it: ``gunicorn -c python:nova_core.wsgi.gunicorn_conf -w N``
  ``nova_core.wsgi.api:application`` (8 threads per worker).

    python bench/production.py --targets all gunicorn-1 gunicorn-2 gunicorn-4
"""
import argparse
import concurrent.futures
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import threading
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


boot = _load_boot()


def _session(size):
    session = requests.Session()
    session.mount('http://', requests.adapters.HTTPAdapter(
        pool_maxsize=size))
    return session


def detail_throughput(endpoint, clients, seconds):
    """Requests/s and latencies of GET /servers/detail from ``clients``
    threads, each with its own connection, for ``seconds``."""
    stop = time.monotonic() + seconds
    samples, lock = [], threading.Lock()

    def client():
        session = _session(1)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            session.get(endpoint + '/servers/detail',
                        headers=boot.HEADERS, timeout=60).raise_for_status()
            mine.append(time.perf_counter() - started)
        session.close()
        with lock:
            samples.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / (time.perf_counter() - started), samples


def measure(endpoint, args):
    session = _session(args.threads * 2)
    flavor = boot.find(session, endpoint, 'flavors', 'm1.tiny')
    image = boot.find(session, endpoint, 'images', 'fake-image')
    boot.lift_quotas(session, endpoint)
    warm = [boot.boot(session, endpoint, flavor, image, -i - 1)
            for i in range(args.warmup)]
    boot.wait_active(session, endpoint, args.timeout)
    boot.delete_all(session, endpoint, warm, args.threads)
    ids = []
    try:
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            ids = list(pool.map(lambda i: boot.boot(
                session, endpoint, flavor, image, i), range(args.servers)))
        boot.wait_active(session, endpoint, args.timeout)
        rate = args.servers / (time.perf_counter() - start)
        per_s, samples = detail_throughput(endpoint, args.detail_clients,
                                           args.detail_seconds)
    finally:
        boot.delete_all(session, endpoint, ids, args.threads)
        session.close()
    return {'rate': rate, 'detail_per_s': per_s,
            'detail_p50_ms': statistics.median(samples) * 1000}


def run_all_in_one(args):
    state = tempfile.mkdtemp(prefix='nova-core-prod-bench-')
    proc, endpoint = boot.start_all_in_one(state, cloudlib.free_port())
    try:
        return measure(endpoint, args)
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(state, ignore_errors=True)


def run_separate(args, workers):
    workdir = tempfile.mkdtemp(prefix='nova-core-prod-bench-')
    vhost = cloudlib.RabbitVhost().create()
    db_name = cloudlib.unique_name('nova_core_prod')
    cloud = None
    try:
        cloud = cloudlib.MultiProcessCloud(
            workdir, vhost.transport_url, cloudlib.create_mariadb(db_name),
            conductors=2, computes=1, api_workers=workers)
        cloud.start()
        cloud.upload_image(b'\0' * (1024 * 1024), name='fake-image')
        return measure(cloud.endpoint, args)
    except BaseException:
        if cloud is not None:
            print(cloud.logs(), file=sys.stderr)
        raise
    finally:
        if cloud is not None:
            cloud.stop()
        vhost.delete()
        cloudlib.drop_mariadb(db_name)
        shutil.rmtree(workdir, ignore_errors=True)


def run(target, args):
    if target == 'all':
        return run_all_in_one(args)
    if target == 'api':
        return run_separate(args, None)
    return run_separate(args, int(target.split('-')[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--targets', nargs='+', default=[
        'all', 'api', 'gunicorn-1', 'gunicorn-2', 'gunicorn-4'])
    parser.add_argument('--servers', type=int, default=200)
    parser.add_argument('--threads', type=int, default=8)
    parser.add_argument('--warmup', type=int, default=10)
    parser.add_argument('--detail-clients', type=int, default=8)
    parser.add_argument('--detail-seconds', type=float, default=10)
    parser.add_argument('--timeout', type=float, default=600)
    args = parser.parse_args()
    for target in args.targets:
        if target not in ('all', 'api') and not (
                target.startswith('gunicorn-') and
                target.split('-')[1].isdigit()):
            sys.exit('unknown target %s' % target)
    rows = []
    for target in args.targets:
        result = run(target, args)
        rows.append((target, result))
        print('%-12s boots %.1f servers/s; GET /servers/detail (%d servers, '
              '%d clients): %.1f requests/s, median %.0f ms' % (
                  target, result['rate'], args.servers,
                  args.detail_clients, result['detail_per_s'],
                  result['detail_p50_ms']), flush=True)
    print('\n| target | boots/s | GET /servers/detail req/s | median ms |')
    print('|---|---|---|---|')
    for target, r in rows:
        print('| %s | %.1f | %.1f | %.0f |' % (
            target, r['rate'], r['detail_per_s'], r['detail_p50_ms']))


if __name__ == '__main__':
    main()
