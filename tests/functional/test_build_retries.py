"""Build retries on nova-core-all with a second compute host in-process.

The fake driver fails ``spawn`` for servers named ``fail-*``; ``[fake]
fail_hosts`` limits that to some hosts, so a build that fails on one host
is seen to land on the other.
"""
import pytest

from nova_core.compute import service as compute_service
from nova_core.conf import CONF
from nova_core.db import actions
from tests.fixtures.hosts import HostConf

SECOND = 'compute-b'


@pytest.fixture
def two_hosts(cloud, admin, conf):
    """A second compute host beside the cloud's, the cloud's first in
    line (packing), removed again at the end with what it held."""
    conf.config(group='filter_scheduler', ram_weight_multiplier=-1.0)
    service = compute_service.create_service(HostConf(CONF, SECOND))
    service.start()
    booted = []
    yield booted
    for server_id in booted:
        admin.delete('/servers/%s' % server_id)
    for server_id in booted:
        admin.wait_gone(server_id)
    service.stop()
    (record,) = [s for s in admin.get('/os-services').json()['services']
                 if s['host'] == SECOND]
    assert admin.delete('/os-services/%s' % record['id']).status_code == 204


def _attempts(server_id):
    (create,) = [a for a in actions.get_all(server_id)
                 if a['action'] == 'create']
    return [(e['event'], e['result'], e['host'])
            for e in actions.get(server_id, create['request_id'])['events']]


def test_build_failing_on_one_host_lands_on_the_other(two_hosts, admin, api,
                                                      image_id, conf):
    conf.config(group='fake', fail_hosts=[CONF.host])
    created = api.boot('fail-here-not-there', image=image_id)
    two_hosts.append(created['id'])
    server = api.wait_for(created['id'], 'ACTIVE')
    assert 'fault' not in server
    assert admin.server(created['id'])['OS-EXT-SRV-ATTR:host'] == SECOND
    assert _attempts(created['id']) == [
        ('conductor_schedule_and_build_instances', 'Success', CONF.host),
        ('compute_build_and_run_instance', 'Error', CONF.host),
        ('conductor_reschedule_build', 'Success', CONF.host),
        ('conductor_schedule_and_build_instances', 'Success', CONF.host),
        ('compute_build_and_run_instance', 'Success', SECOND)]


def test_build_failing_everywhere_ends_in_error_listing_attempts(
        two_hosts, admin, api, image_id):
    created = api.boot('fail-everywhere', image=image_id)
    two_hosts.append(created['id'])
    server = api.wait_for(created['id'], 'ERROR')
    assert server['fault']['message'] == (
        'No valid host was found. There are not enough hosts available. '
        'Last exception: Hypervisor error: fake driver told to fail spawn')
    details = admin.server(created['id'])['fault']['details']
    assert details.splitlines() == [
        'Attempt %d on host %s: Hypervisor error: fake driver told to fail '
        'spawn' % (n, host) for n, host in ((1, CONF.host), (2, SECOND))]
    assert admin.server(created['id'])['OS-EXT-SRV-ATTR:host'] is None


def test_max_attempts_reached(two_hosts, admin, api, image_id, conf):
    conf.config(group='scheduler', max_attempts=2)
    created = api.boot('fail-twice', image=image_id)
    two_hosts.append(created['id'])
    server = api.wait_for(created['id'], 'ERROR')
    assert server['fault']['message'].startswith(
        'Exceeded maximum number of retries. Exceeded max scheduling '
        'attempts 2 for instance %s. Last exception: ' % created['id'])
    hosts = [host for event, result, host in _attempts(created['id'])
             if event == 'compute_build_and_run_instance']
    assert sorted(hosts) == sorted([CONF.host, SECOND])
