"""Fixed IP allocation on every backend: conductors racing for the same
addresses (threads with connections of their own) never get one address
twice; the losers of a race retry through the unique constraint, and
those left when the network is full get NoMoreFixedIps."""
import concurrent.futures
import ipaddress
import threading

import pytest

from nova_core import exception, network
from nova_core.db import fixed_ips, instances
from nova_core.db.session import transaction
from tests.integration.test_db_backends import db, db_url  # noqa: F401


def _instance(name):
    return {'display_name': name, 'project_id': 'p', 'user_id': 'u',
            'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': 64,
            'root_gb': 1, 'vm_state': 'building'}


def _allocate(uuid, net, in_claim):
    """As a conductor allocates: alone, or (``in_claim``) inside the
    transaction of a build's claim, which wrote before it; a lost race
    must then roll back to a savepoint, not spoil the claim (PostgreSQL
    accepts no statement after an error in a transaction)."""
    requests = [{'network': 'race', 'fixed_ip': None}]
    if not in_claim:
        return fixed_ips.allocate(uuid, requests, {'race': net})
    with transaction():
        instances.update(uuid, {'display_name': 'claimed'})
        return fixed_ips.allocate(uuid, requests, {'race': net})


@pytest.mark.parametrize('in_claim', [False, True],
                         ids=['alone', 'in-claim'])
def test_concurrent_allocations_never_share_an_address(
        db, in_claim):  # noqa: F811
    net = network.Network('race', ipaddress.ip_network('10.9.0.0/27'),
                          ipaddress.ip_address('10.9.0.1'), (), None, None)
    free = 32 - 3  # network, broadcast, gateway
    uuids = [r['uuid'] for r in instances.create(
        [_instance('race-%d' % i) for i in range(40)])]
    barrier = threading.Barrier(8)

    def conductor(chunk):
        barrier.wait(10)
        results = []
        for uuid in chunk:
            try:
                _allocate(uuid, net, in_claim)
                results.append((uuid, True))
            except exception.NoMoreFixedIps:
                results.append((uuid, False))
        return results
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = [r for chunk in pool.map(conductor, [uuids[i::8]
                                                       for i in range(8)])
                   for r in chunk]
    allocated = [u for u, ok in results if ok]
    assert len(allocated) == free
    held = fixed_ips.get_by_instances(uuids)
    addresses = [rows[0]['address'] for rows in held.values()]
    assert sorted(held) == sorted(allocated)
    assert len(set(addresses)) == free
    assert all(net.contains(a) for a in addresses)
    assert len({rows[0]['mac'] for rows in held.values()}) == free
    if in_claim:
        assert all(instances.get(u)['display_name'] == 'claimed'
                   for u in allocated)
