"""Boot N servers and report servers/s to ACTIVE and GET /servers/detail.

By default it starts ``nova-core-all`` as a child process on a fresh state
directory (SQLite, local:// RPC, fake driver), so that this client does not
share an interpreter with the cloud it measures. With ``--endpoint`` it
drives an existing cloud instead (e.g. the separate processes on RabbitMQ
and MariaDB); that cloud needs the flavor and image named below.

    python bench/boot.py --servers 200 --threads 8
    python bench/boot.py --endpoint http://127.0.0.1:8774/v2.1 --servers 200

With ``--network CIDR`` the child declares a network of that range in its
configuration (``[network] networks = bench``) and every server boots on
it (``"networks": "auto"``: a fixed IP and a MAC each, checked in
``GET /servers/detail``); without it servers boot with ``"networks":
"none"``. ``--pairs N`` runs N interleaved pairs, each in fresh children
(no network, then the network), and prints the ratio of boots/s::

    python bench/boot.py --servers 200 --network 10.128.0.0/20 --pairs 5
"""
import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import time

import requests

HEADERS = {'X-Auth-Token': 'bench:bench',
           'OpenStack-API-Version': 'compute 2.100'}


#: The network ``--network`` declares.
NETWORK = 'bench'


def start_all_in_one(state_path, port, network_cidr=None):
    """Run ``nova-core-all`` on its embedded defaults (plus a network of
    ``network_cidr`` if given); returns the process and its endpoint once
    it answers."""
    endpoint = 'http://127.0.0.1:%d/v2.1' % port
    try:
        requests.get(endpoint, timeout=1)
        sys.exit('something already answers at %s; pick another --port'
                 % endpoint)
    except requests.ConnectionError:
        pass
    conf = os.path.join(state_path, 'nova.conf')
    with open(conf, 'w') as out:
        out.write('[DEFAULT]\nstate_path = %s\nosapi_compute_listen_port = '
                  '%d\n' % (state_path, port))
        if network_cidr:
            out.write('[network]\nnetworks = %s\n[network_%s]\ncidr = %s\n'
                      % (NETWORK, NETWORK, network_cidr))
    log = open(os.path.join(state_path, 'all.log'), 'w')
    proc = subprocess.Popen(['nova-core-all', '--config-file', conf],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit('nova-core-all exited; see %s' % log.name)
        try:
            requests.get(endpoint, timeout=1)
            return proc, endpoint
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    sys.exit('nova-core-all did not answer within 60 s')


def process_cpu_s(pid):
    """User + system CPU seconds of process ``pid`` so far."""
    with open('/proc/%d/stat' % pid) as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def process_rss_mib(pid):
    with open('/proc/%d/status' % pid) as status:
        for line in status:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    return 0.0


def find(session, endpoint, collection, name):
    url = '%s/%s' % (endpoint, collection)
    if collection == 'images':
        items = session.get(url, params={'name': name},
                            headers={'X-Auth-Token': 'bench:bench'}).json()
        return items['images'][0]['id']
    for item in session.get(url, headers=HEADERS).json()[collection]:
        if item['name'] == name:
            return item['id']
    sys.exit('no %s named %s at %s' % (collection, name, endpoint))


def lift_quotas(session, endpoint, project='bench'):
    """The bench boots more than a project's default quota allows."""
    response = session.put(
        '%s/os-quota-sets/%s' % (endpoint, project),
        json={'quota_set': {'instances': -1, 'cores': -1, 'ram': -1}},
        headers=dict(HEADERS, **{'X-Auth-Token': 'admin:admin'}))
    response.raise_for_status()


def boot(session, endpoint, flavor, image, index, networks='none'):
    body = {'server': {'name': 'bench-%d' % index, 'flavorRef': flavor,
                       'imageRef': image, 'networks': networks}}
    response = session.post(endpoint + '/servers', json=body,
                            headers=HEADERS)
    response.raise_for_status()
    return response.json()['server']['id']


def _count(session, endpoint, status, limit=1000):
    return len(session.get(endpoint + '/servers', params={
        'status': status, 'limit': limit}, headers=HEADERS).json()[
            'servers'])


def wait_active(session, endpoint, timeout, interval=0.25):
    """Ask every ``interval`` seconds whether any server is still building
    (one item is enough to know; the reported time is late by up to one
    interval)."""
    deadline = time.monotonic() + timeout
    while _count(session, endpoint, 'BUILD', limit=1):
        if time.monotonic() > deadline:
            sys.exit('servers still building after %ss' % timeout)
        time.sleep(interval)
    errors = _count(session, endpoint, 'ERROR')
    if errors:
        sys.exit('%d servers went to ERROR' % errors)


def detail_latency(session, endpoint, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        session.get(endpoint + '/servers/detail',
                    headers=HEADERS).raise_for_status()
        samples.append(time.perf_counter() - start)
    return samples


def delete_all(session, endpoint, ids, threads):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda i: session.delete(
            '%s/servers/%s' % (endpoint, i), headers=HEADERS), ids))


def check_addresses(session, endpoint, servers):
    """Every server listed has one fixed address, with a MAC (exits
    otherwise: on the bench network, or the default network of the cloud
    at ``--endpoint``); returns how many were checked."""
    listed = session.get(endpoint + '/servers/detail', params={
        'limit': 1000}, headers=HEADERS).json()['servers']
    bad = [s['id'] for s in listed
           if [(bool(a['addr']), bool(a.get('OS-EXT-IPS-MAC:mac_addr')))
               for addresses in s['addresses'].values()
               for a in addresses] != [(True, True)]]
    if bad or len(listed) != servers:
        sys.exit('%d of %d servers without one address and MAC'
                 % (len(bad), len(listed)))
    return len(listed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=200)
    parser.add_argument('--threads', type=int, default=8)
    parser.add_argument('--endpoint')
    parser.add_argument('--flavor', default='m1.tiny')
    parser.add_argument('--image', default='fake-image')
    parser.add_argument('--detail-rounds', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=10,
                        help='servers booted and deleted before measuring, '
                             'so one-time costs (statement and schema '
                             'compilation, first connections) are not '
                             'counted')
    parser.add_argument('--timeout', type=float, default=600)
    parser.add_argument('--port', type=int, default=18774,
                        help='port of the nova-core-all this starts')
    parser.add_argument('--network', metavar='CIDR',
                        help='declare a network of this range in the '
                             'child\'s configuration and boot every server '
                             'on it ("networks": "auto"); with --endpoint, '
                             'boot on that cloud\'s default network')
    parser.add_argument('--pairs', type=int, default=0,
                        help='with --network: run this many interleaved '
                             'pairs (no network, network), each in fresh '
                             'children, and print the ratios')
    args = parser.parse_args()
    if args.pairs:
        if not args.network or args.endpoint:
            parser.error('--pairs needs --network and no --endpoint')
        run_pairs(args)
        return
    run_once(args, args.network)


def run_once(args, network):
    cloud, endpoint = None, args.endpoint
    if endpoint is None:
        cloud, endpoint = start_all_in_one(
            tempfile.mkdtemp(prefix='nova-core-bench-'), args.port, network)
    try:
        return measure(endpoint, args, cloud,
                       networks='auto' if network else 'none')
    finally:
        if cloud is not None:
            cloud.terminate()
            cloud.wait(30)


def run_pairs(args):
    """Interleaved runs, so that the machine's load falls on both sides
    alike: medians of each side and of the pairwise ratios."""
    rows = []
    for pair in range(args.pairs):
        print('--- pair %d: no network' % (pair + 1), flush=True)
        base = run_once(args, None)
        print('--- pair %d: network %s' % (pair + 1, args.network),
              flush=True)
        net = run_once(args, args.network)
        rows.append((base, net))
        print('pair %d: %.1f vs %.1f servers/s (%.2f), %.1f vs %.1f ms CPU '
              'per boot, load average %.1f' % (
                  pair + 1, base['rate'], net['rate'],
                  net['rate'] / base['rate'], base['cpu_ms'], net['cpu_ms'],
                  os.getloadavg()[0]), flush=True)
    print('=== %d pairs, %d servers each, network %s' % (
        len(rows), args.servers, args.network))
    for key, label in (('rate', 'boots to ACTIVE, servers/s'),
                       ('cpu_ms', 'CPU per boot, ms'),
                       ('detail_ms', 'GET /servers/detail median, ms')):
        base = [b[key] for b, _ in rows]
        net = [n[key] for _, n in rows]
        print('%s: no network %.1f (%.1f-%.1f), network %.1f (%.1f-%.1f), '
              'network / none %.2f (pairwise median %.2f)' % (
                  label, statistics.median(base), min(base), max(base),
                  statistics.median(net), min(net), max(net),
                  statistics.median(net) / statistics.median(base),
                  statistics.median(
                      n / b for b, n in zip(base, net, strict=True))))


def measure(endpoint, args, cloud=None, networks='none'):
    """Boot, wait, list; prints the figures and returns them."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=args.threads * 2)
    session.mount('http://', adapter)
    flavor = find(session, endpoint, 'flavors', args.flavor)
    image = find(session, endpoint, 'images', args.image)
    lift_quotas(session, endpoint)
    if args.warmup:
        warm = [boot(session, endpoint, flavor, image, -i - 1)
                for i in range(args.warmup)]
        wait_active(session, endpoint, args.timeout)
        delete_all(session, endpoint, warm, args.threads)
        while session.get(endpoint + '/servers', params={'limit': 1},
                          headers=HEADERS).json()['servers']:
            time.sleep(0.1)
    ids = []
    cpu = (lambda: process_cpu_s(cloud.pid)) if cloud else (lambda: 0.0)
    try:
        cpu_start = cpu()
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            ids = list(pool.map(lambda i: boot(session, endpoint, flavor,
                                               image, i, networks),
                                range(args.servers)))
        accepted = time.perf_counter() - start
        wait_active(session, endpoint, args.timeout)
        active = time.perf_counter() - start
        cpu_boots = cpu() - cpu_start
        checked = (check_addresses(session, endpoint, args.servers)
                   if networks == 'auto' else 0)
        cpu_start = cpu()
        samples = detail_latency(session, endpoint, args.detail_rounds)
        cpu_details = cpu() - cpu_start
    finally:
        delete_all(session, endpoint, ids, args.threads)
    print('target: %s' % ('nova-core-all (child process, SQLite, local://,'
                          ' fake driver)' if cloud else endpoint))
    print('servers: %d, client threads: %d, networks: %s%s' % (
        args.servers, args.threads, networks,
        ' (%d with one fixed IP and MAC)' % checked if checked else ''))
    print('POST /servers accepted: %.1f/s' % (args.servers / accepted))
    print('boots to ACTIVE: %.2f s, %.1f servers/s'
          % (active, args.servers / active))
    print('GET /servers/detail with %d servers: median %.1f ms, '
          'p90 %.1f ms, %.1f requests/s' % (
              args.servers, statistics.median(samples) * 1000,
              sorted(samples)[int(len(samples) * 0.9) - 1] * 1000,
              len(samples) / sum(samples)))
    if cloud is not None:
        # One process that runs the whole cloud: its CPU time per request
        # varies far less than wall time on a shared machine.
        print('nova-core-all CPU: %.1f ms per boot (polling included), '
              '%.1f ms per GET /servers/detail' % (
                  cpu_boots / args.servers * 1000,
                  cpu_details / args.detail_rounds * 1000))
        print('peak RSS of nova-core-all: %.0f MiB'
              % process_rss_mib(cloud.pid))
    return {'rate': args.servers / active,
            'cpu_ms': cpu_boots / args.servers * 1000,
            'detail_ms': statistics.median(samples) * 1000}


if __name__ == '__main__':
    main()
