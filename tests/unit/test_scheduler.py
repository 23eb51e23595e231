"""Host selection: filters remove, weighers rank, claims decide."""
import datetime
import threading

import pytest

from nova_core import exception
from nova_core.conf import CONF
from nova_core.scheduler import host_selection

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


@pytest.fixture(autouse=True)
def _now_is_collection_time(monkeypatch):
    """The nodes below are made at collection: "up" means seen at NOW,
    however long other tests ran before these."""
    from nova_core.db import services
    monkeypatch.setattr(services, 'utcnow', lambda: NOW)


def node(host, ram=8192, ram_used=0, vcpus=4, vcpus_used=0, disk=100,
         disk_used=0, up=True, disabled=False, zone=None):
    seen = NOW if up else NOW - datetime.timedelta(hours=1)
    return {'id': hash(host), 'host': host, 'hypervisor_hostname': host,
            'memory_mb': ram, 'memory_mb_used': ram_used,
            'reserved_memory_mb': 0, 'ram_allocation_ratio': 1.0,
            'vcpus': vcpus, 'vcpus_used': vcpus_used, 'reserved_vcpus': 0,
            'cpu_allocation_ratio': 4.0, 'local_gb': disk,
            'local_gb_used': disk_used, 'reserved_disk_gb': 0,
            'disk_allocation_ratio': 1.0,
            'service': {'disabled': disabled, 'forced_down': False,
                        'last_seen_up': seen, 'availability_zone': zone}}


def spec(ram=512, vcpus=1, disk=1, zone=None, host=None):
    return {'memory_mb': ram, 'vcpus': vcpus, 'disk_gb': disk,
            'availability_zone': zone, 'requested_host': host}


@pytest.mark.parametrize('nodes,request_spec,expected', [
    ([node('a'), node('b', ram_used=4096)], spec(), ['a', 'b']),
    ([node('a', up=False), node('b')], spec(), ['b']),
    ([node('a', disabled=True), node('b')], spec(), ['b']),
    ([node('a', ram=1024), node('b')], spec(ram=2048), ['b']),
    ([node('a', vcpus=1, vcpus_used=4), node('b')], spec(), ['b']),
    ([node('a', disk=10), node('b')], spec(disk=20), ['b']),
    ([node('a', zone='east'), node('b')], spec(zone='east'), ['a']),
    ([node('a'), node('b')], spec(host='b'), ['b']),
])
def test_filters_and_spread(conf, nodes, request_spec, expected):
    chosen = host_selection.select_hosts(request_spec, CONF, nodes)
    assert [n['host'] for n in chosen] == expected


def test_negative_ram_weight_packs(conf):
    conf.config(group='filter_scheduler', ram_weight_multiplier=-1.0)
    nodes = [node('a'), node('b', ram_used=4096)]
    assert [n['host'] for n in host_selection.select_hosts(
        spec(), CONF, nodes)] == ['b', 'a']


def test_nothing_fits(conf):
    with pytest.raises(exception.NoValidHost) as caught:
        host_selection.select_hosts(spec(ram=10 ** 6), CONF, [node('a')])
    assert 'No valid host was found' in caught.value.format_message()
    with pytest.raises(exception.NoValidHost):
        host_selection.select_hosts(spec(), CONF, [])


def test_unknown_filter_is_a_configuration_error(conf):
    conf.config(group='filter_scheduler', enabled_filters=['RamFilter',
                                                           'MagicFilter'])
    with pytest.raises(exception.ConfigInvalid) as caught:
        host_selection.enabled_filters(CONF)
    assert 'MagicFilter' in caught.value.format_message()


# --- server group policies ---------------------------------------------------

def group_spec(policy, hosts=None, rules=None, **kwargs):
    return dict(spec(**kwargs), instance_group={
        'uuid': 'g', 'policy': policy, 'rules': rules or {},
        'hosts': hosts or {}})


THREE = ('a', 'b', 'c')


@pytest.mark.parametrize('request_spec,expected', [
    (group_spec('affinity'), ['a', 'b', 'c']),
    (group_spec('affinity', {'b': 1}), ['b']),
    (group_spec('anti-affinity'), ['a', 'b', 'c']),
    (group_spec('anti-affinity', {'a': 1, 'c': 2}), ['b']),
    (group_spec('anti-affinity', {'a': 1, 'c': 2},
                {'max_server_per_host': 2}), ['a', 'b']),
    (group_spec('anti-affinity', {'a': 1, 'c': 2},
                {'max_server_per_host': 3}), ['a', 'b', 'c']),
    # Soft policies rank, never remove; free RAM breaks ties (a > b > c).
    (group_spec('soft-affinity', {'c': 1}), ['c', 'a', 'b']),
    (group_spec('soft-affinity', {'b': 2, 'c': 1}), ['b', 'c', 'a']),
    (group_spec('soft-anti-affinity', {'a': 1}), ['b', 'c', 'a']),
    (group_spec('soft-anti-affinity', {'a': 2, 'b': 1}), ['c', 'b', 'a']),
])
def test_group_policies_on_several_hosts(conf, request_spec, expected):
    nodes = [node(h, ram_used=1024 * i) for i, h in enumerate(THREE)]
    chosen = host_selection.select_hosts(request_spec, CONF, nodes)
    assert [n['host'] for n in chosen] == expected


@pytest.mark.parametrize('request_spec', [
    group_spec('affinity', {'gone': 1}),
    group_spec('anti-affinity', {'a': 1, 'b': 1, 'c': 1}),
])
def test_group_policy_leaves_no_host(conf, request_spec):
    nodes = [node(h) for h in THREE]
    with pytest.raises(exception.NoValidHost):
        host_selection.select_hosts(request_spec, CONF, nodes)


def _cloud(hosts):
    from nova_core.db import services
    for host in hosts:
        services.register(host, 'nova-compute', 'compute')
        services.node_update(host, {
            'hypervisor_hostname': host, 'hypervisor_type': 'fake',
            'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100})


def _members(group, count):
    from nova_core.db import instances, server_groups
    created = instances.create([{
        'display_name': 'm%d' % i, 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': 512,
        'root_gb': 1, 'vm_state': 'building', 'task_state': 'scheduling'}
        for i in range(count)], action={'action': 'create',
                                         'request_id': 'req-1',
                                         'user_id': 'u', 'project_id': 'p'})
    server_groups.add_members(group['uuid'], [i['uuid'] for i in created])
    return created


class _Computes:
    """Records the builds the conductor casts."""

    def __init__(self):
        self.built = []

    def build_and_run_instance(self, context, instance, image_meta):
        self.built.append(instance)


def _build_concurrently(members):
    from nova_core import context as nova_context
    from nova_core.conductor import build
    computes = _Computes()
    ctx = nova_context.RequestContext('u', 'p', request_id='req-1')
    threads = [threading.Thread(target=build.schedule_and_build, args=(
        ctx, CONF, computes, m, {}, {})) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return computes.built


@pytest.mark.parametrize('rules,per_host', [({}, 1),
                                            ({'max_server_per_host': 2}, 2)])
def test_concurrent_anti_affinity_builds(db, rules, per_host):
    """Members built at once never break the policy: the group is locked
    with the claim, so each build sees the hosts the others claimed."""
    from nova_core.db import instances, server_groups
    _cloud(THREE)
    group = server_groups.create('p', 'u', 'g', 'anti-affinity', rules)
    members = _members(group, 8)
    built = _build_concurrently(members)
    hosts = [b['host'] for b in built]
    assert len(built) == 3 * per_host
    assert all(hosts.count(h) == per_host for h in THREE)
    failed = [instances.get(m['uuid']) for m in members
              if m['uuid'] not in {b['uuid'] for b in built}]
    assert {f['vm_state'] for f in failed} == {'error'}
    assert all(f['host'] is None for f in failed)
    faults = instances.faults_latest([f['uuid'] for f in failed])
    assert all(f['message'].startswith('No valid host was found')
               for f in faults.values()) and len(faults) == len(failed)


def test_concurrent_affinity_builds_share_a_host(db):
    from nova_core.db import server_groups
    _cloud(THREE)
    group = server_groups.create('p', 'u', 'g', 'affinity')
    built = _build_concurrently(_members(group, 6))
    assert len(built) == 6 and len({b['host'] for b in built}) == 1


def test_group_read_from_membership(db):
    """Any path that selects hosts honours the group of the instance it
    places (``spec['instance_uuid']``), not only builds."""
    from nova_core.db import instances, server_groups, services
    _cloud(THREE)
    group = server_groups.create('p', 'u', 'g', 'anti-affinity')
    placed, moving = _members(group, 2)
    (a_node,) = [n for n in services.nodes_for_scheduling()
                 if n['host'] == 'a']
    assert instances.claim(placed['uuid'], a_node['id'], 'a', 'a')
    chosen = host_selection.select_hosts(dict(
        spec(), instance_uuid=moving['uuid']), CONF)
    assert 'a' not in [n['host'] for n in chosen]
    # Deleting the placed member frees its host for the group.
    instances.destroy(placed['uuid'])
    assert server_groups.get(group['uuid'])['members'] == [moving['uuid']]
    chosen = host_selection.select_hosts(dict(
        spec(), instance_uuid=moving['uuid']), CONF)
    assert 'a' in [n['host'] for n in chosen]


def test_same_host_and_different_host_hints(db):
    """The hints name servers; their hosts are looked up once per request."""
    from nova_core.db import instances, server_groups, services
    _cloud(THREE)
    group = server_groups.create('p', 'u', 'g', 'affinity')
    (on_b,) = _members(group, 1)
    (b_node,) = [n for n in services.nodes_for_scheduling()
                 if n['host'] == 'b']
    assert instances.claim(on_b['uuid'], b_node['id'], 'b', 'b')

    def hosts(hints):
        return sorted(n['host'] for n in host_selection.select_hosts(
            dict(spec(), scheduler_hints=hints), CONF))

    assert hosts({'same_host': on_b['uuid']}) == ['b']
    assert hosts({'same_host': [on_b['uuid']]}) == ['b']
    assert hosts({'different_host': [on_b['uuid']]}) == ['a', 'c']
    assert hosts({}) == ['a', 'b', 'c']
    unplaced = _members(server_groups.create('p', 'u', 'h', 'affinity'), 1)
    with pytest.raises(exception.NoValidHost):
        hosts({'same_host': [unplaced[0]['uuid']]})
