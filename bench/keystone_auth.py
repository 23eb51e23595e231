"""What Keystone auth costs: boots/s and GET /servers/detail, noauth2 vs
keystone (auth_token's in-process token cache; no memcached).

It starts two clouds as child processes: ``nova-core-all`` on noauth2 and
``nova-core-all --keystone`` (a real Keystone 30, see
``tests/fixtures/keystone.py``), boots the same number of servers on each
as a member of one project, then times ``GET /servers/detail`` with a token
auth_token has cached, and the first request of tokens it has not seen
(one validation round trip to Keystone each).

    python bench/keystone_auth.py --servers 50 --threads 4
"""
import argparse
import concurrent.futures
import os
import statistics
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from bench import boot as boot_bench  # noqa: E402
from tests.fixtures import keystone  # noqa: E402

VERSION = {'OpenStack-API-Version': 'compute 2.100'}


def _ms(samples):
    return 'median %.1f ms, p90 %.1f ms' % (
        statistics.median(samples) * 1000,
        sorted(samples)[max(int(len(samples) * 0.9) - 1, 0)] * 1000)


def _timed_get(url, token):
    start = time.perf_counter()
    requests.get(url, headers=dict(VERSION, **{'X-Auth-Token': token}),
                 timeout=60).raise_for_status()
    return time.perf_counter() - start


def measure(label, endpoint, user, admin, project, args, fresh=None):
    session = requests.Session()
    headers = dict(VERSION, **{'X-Auth-Token': user})
    session.put('%s/os-quota-sets/%s' % (endpoint, project), json={
        'quota_set': {'instances': -1, 'cores': -1, 'ram': -1}},
        headers=dict(VERSION, **{'X-Auth-Token': admin})).raise_for_status()
    flavor = [f['id'] for f in session.get(
        endpoint + '/flavors', headers=headers).json()['flavors']
        if f['name'] == 'm1.tiny'][0]
    image = session.get(endpoint.replace('/v2.1', '/image/v2/images'),
                        params={'name': 'fake-image'},
                        headers={'X-Auth-Token': user}).json()[
        'images'][0]['id']

    def body(i):
        return {'server': {'name': 'kb-%d' % i, 'flavorRef': flavor,
                           'imageRef': image, 'networks': 'none'}}
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        ids = list(pool.map(lambda i: session.post(
            endpoint + '/servers', json=body(i),
            headers=headers).json()['server']['id'], range(args.servers)))
    while session.get(endpoint + '/servers', headers=headers, params={
            'status': 'BUILD', 'limit': 1}).json()['servers']:
        time.sleep(0.2)
    active = time.perf_counter() - start
    detail = [_timed_get(endpoint + '/servers/detail', user)
              for _ in range(args.rounds)]
    flavors = [_timed_get(endpoint + '/flavors', user)
               for _ in range(args.rounds)]
    print('%s: %d boots to ACTIVE in %.2f s (%.1f/s); GET /servers/detail '
          '%s; GET /flavors %s' % (label, args.servers, active,
                                   args.servers / active, _ms(detail),
                                   _ms(flavors)), flush=True)
    if fresh:
        first = [_timed_get(endpoint + '/flavors', token) for token in fresh]
        print('%s: GET /flavors with a token not yet cached: %s'
              % (label, _ms(first)), flush=True)
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(lambda i: session.delete(
            '%s/servers/%s' % (endpoint, i), headers=headers), ids))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=50)
    parser.add_argument('--threads', type=int, default=4)
    parser.add_argument('--rounds', type=int, default=30)
    parser.add_argument('--port', type=int, default=18784)
    args = parser.parse_args()

    proc, endpoint = boot_bench.start_all_in_one(
        tempfile.mkdtemp(prefix='nova-core-bench-'), args.port)
    try:
        measure('noauth2', endpoint, 'bench:bench', 'admin:admin', 'bench',
                args)
    finally:
        proc.terminate()
        proc.wait(30)

    cloud = keystone.start_cloud(tempfile.mkdtemp(prefix='nova-core-ks-'))
    try:
        fresh = [cloud.token('alice') for _ in range(10)]
        measure('keystone', cloud.endpoint, cloud.token('alice'),
                cloud.token('admin'), cloud.ids['alpha'], args, fresh)
    finally:
        keystone.stop_cloud(cloud)


if __name__ == '__main__':
    main()
