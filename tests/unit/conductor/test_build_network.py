"""The conductor gives a build its addresses before its host: a network
with no address left fails the build with a clear fault and nothing
claimed; a re-scheduled build keeps its addresses; a failed one gives
them back."""

import pytest

from nova_core import context as nova_context
from nova_core import network
from nova_core.conductor import build
from nova_core.conductor.manager import ConductorManager
from nova_core.conf import CONF
from nova_core.conf import network as network_conf
from nova_core.db import fixed_ips, instances, services
from tests.unit.conductor.builds import Computes, add_hosts, boot


@pytest.fixture
def cloud(conf, db):
    conf.config(group='network', networks=['private', 'tiny'])
    network_conf.register_network(CONF, 'tiny')
    conf.config(group='network_tiny', cidr='192.168.9.0/30')  # one address
    return add_hosts(('a', 'b'))


@pytest.fixture
def ctx():
    return nova_context.RequestContext('u', 'p', request_id='req-create')


def _boot(ctx, image, computes, requests):
    return boot(ctx, image, computes,
                system_metadata={network.REQUESTS_KEY: requests})


def _tiny():
    return [{'network': 'tiny', 'fixed_ip': None}]


def _addresses(uuid):
    return [r['address'] for r in fixed_ips.get_by_instances([uuid]).get(
        uuid, [])]


def test_build_gets_its_address_before_its_host(cloud, ctx):
    computes = Computes()
    inst = _boot(ctx, cloud, computes, _tiny())
    assert _addresses(inst['uuid']) == ['192.168.9.2']
    assert [b[0] for b in computes.built] == [inst['uuid']] and inst['host']


def test_no_address_left_fails_the_build_with_nothing_claimed(cloud, ctx):
    computes = Computes()
    _boot(ctx, cloud, computes, _tiny())
    used = [n['memory_mb_used'] for n in services.node_get_all()]
    second = _boot(ctx, cloud, computes, _tiny())
    assert (second['vm_state'], second['task_state'], second['host']) == (
        'error', None, None)
    fault = instances.faults_latest([second['uuid']])[second['uuid']]
    assert fault['message'] == ('No fixed IP addresses available for '
                                'network: tiny')
    assert [n['memory_mb_used'] for n in services.node_get_all()] == used
    assert computes.built == computes.built[:1]
    assert _addresses(second['uuid']) == []


def test_networks_none_builds_without_address(cloud, ctx):
    inst = _boot(ctx, cloud, Computes(), [])
    assert inst['host'] and _addresses(inst['uuid']) == []


def test_rescheduled_build_keeps_its_address(cloud, ctx):
    computes = Computes()
    inst = _boot(ctx, cloud, computes, _tiny())
    instances.start_build(inst['uuid'], inst['host'])
    again = build.reschedule(ctx, CONF, computes, inst['uuid'],
                             inst['host'], 'boom', ('spawning',))
    assert again is not None
    assert _addresses(inst['uuid']) == ['192.168.9.2']


def test_build_failed_on_compute_gives_the_address_back(cloud, ctx):
    inst = _boot(ctx, cloud, Computes(), _tiny())
    # The endpoint's method, without the RPC client its constructor makes.
    manager = ConductorManager.__new__(ConductorManager)
    manager.instance_build_failed(
        ctx, inst['uuid'], 'spawn failed', None, inst['host'])
    assert _addresses(inst['uuid']) == []
    assert _boot(ctx, cloud, Computes(), _tiny())['vm_state'] == 'building'


def test_build_started_tells_the_host_what_to_plug(cloud, ctx, conf):
    conf.config(group='network_tiny', libvirt_network='default')
    inst = _boot(ctx, cloud, Computes(), _tiny() + [
        {'network': 'private', 'fixed_ip': '10.0.0.7'}])
    manager = ConductorManager.__new__(ConductorManager)
    manager.conf = CONF
    started = manager.instance_build_started(
        ctx, inst['uuid'], inst['host'], {'name': 'compute_build',
                                          'phase': 'start'})
    rows = fixed_ips.get_by_instances([inst['uuid']])[inst['uuid']]
    assert started['network_info'] == [
        {'network': 'tiny', 'network_id': network.network_uuid('tiny'),
         'address': '192.168.9.2', 'mac': rows[0]['mac'],
         'port_id': rows[0]['port_id'], 'tag': None, 'prefix_len': 30,
         'gateway': '192.168.9.1', 'dns_servers': [], 'bridge': None,
         'libvirt_network': 'default'},
        {'network': 'private', 'network_id': network.network_uuid('private'),
         'address': '10.0.0.7', 'mac': rows[1]['mac'],
         'port_id': rows[1]['port_id'], 'tag': None, 'prefix_len': 24,
         'gateway': '10.0.0.1', 'dns_servers': [], 'bridge': None,
         'libvirt_network': None}]
