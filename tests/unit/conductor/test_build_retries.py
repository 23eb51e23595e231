"""Build retries: a build that failed on a host is scheduled again on a
host not tried yet, its claims given back exactly once, until
``[scheduler] max_attempts`` or no host is left."""
import datetime

import pytest

from nova_core import context as nova_context
from nova_core import exception
from nova_core.conductor import build
from nova_core.conf import CONF
from nova_core.db import actions, instances, services
from tests.unit.conductor.builds import Computes, add_hosts, boot

HOSTS = ('a', 'b', 'c')


@pytest.fixture
def cloud(db):
    return add_hosts(HOSTS)


@pytest.fixture
def ctx():
    return nova_context.RequestContext('u', 'p', request_id='req-create')


def _fail_spawn(ctx, computes, instance, reason='spawn failed'):
    """What compute does: start the build, then hand it back."""
    instances.start_build(instance['uuid'], instance['host'])
    return build.reschedule(ctx, CONF, computes, instance['uuid'],
                            instance['host'], reason, ('spawning',))


def _used():
    return {n['host']: (n['memory_mb_used'], n['running_vms'])
            for n in services.node_get_all()}


def test_failed_build_goes_to_another_host(cloud, ctx):
    computes = Computes()
    first = boot(ctx, cloud, computes)
    assert first['task_state'] == 'scheduling'
    _fail_spawn(ctx, computes, first)
    again = instances.get(first['uuid'])
    assert again['host'] not in (None, first['host'])
    assert again['task_state'] == 'scheduling'
    # The claim on the failed host went back; the new one is held.
    used = _used()
    assert used[first['host']] == (0, 0) and used[again['host']] == (1024, 1)
    assert computes.built[-1] == (first['uuid'], again['host'], cloud['id'])
    retry = again['system_metadata']['build_retry']
    assert retry['num_attempts'] == 2 and retry['hosts'] == [first['host']]
    events = [(e['event'], e['result']) for e in actions.get(
        first['uuid'], ctx.request_id)['events']]
    assert events == [(build.EVENT, 'Success'),
                      (build.RESCHEDULE_EVENT, 'Success'),
                      (build.EVENT, 'Success')]


def test_second_report_of_one_failure_changes_nothing(cloud, ctx):
    computes = Computes()
    first = boot(ctx, cloud, computes)
    _fail_spawn(ctx, computes, first)
    moved = instances.get(first['uuid'])
    used = _used()
    assert build.reschedule(ctx, CONF, computes, first['uuid'],
                            first['host'], 'again', ('spawning',)) is None
    assert _used() == used
    assert instances.get(first['uuid'])['host'] == moved['host']
    assert len(computes.built) == 2


@pytest.mark.parametrize('max_attempts', [2, 3])
def test_max_attempts_then_error_listing_attempts(cloud, ctx, conf,
                                                   max_attempts):
    conf.config(group='scheduler', max_attempts=max_attempts)
    computes = Computes()
    instance = boot(ctx, cloud, computes)
    tried = []
    for attempt in range(max_attempts):
        tried.append(instance['host'])
        _fail_spawn(ctx, computes, instance, 'boom %d' % attempt)
        instance = instances.get(instance['uuid'])
    assert len(set(tried)) == max_attempts
    assert (instance['vm_state'], instance['task_state'],
            instance['host']) == ('error', None, None)
    assert _used() == dict.fromkeys(HOSTS, (0, 0))
    fault = instances.faults_latest([instance['uuid']])[instance['uuid']]
    assert fault['message'] == (
        'Exceeded maximum number of retries. Exceeded max scheduling '
        'attempts %d for instance %s. Last exception: boom %d'
        % (max_attempts, instance['uuid'], max_attempts - 1))
    assert fault['details'].splitlines() == [
        'Attempt %d on host %s: boom %d' % (n + 1, host, n)
        for n, host in enumerate(tried)]
    assert len(computes.built) == max_attempts


def test_no_host_left_is_no_valid_host_with_the_last_failure(cloud, ctx,
                                                             conf):
    conf.config(group='scheduler', max_attempts=5)
    computes = Computes()
    instance = boot(ctx, cloud, computes)
    for _ in HOSTS:
        _fail_spawn(ctx, computes, instance, 'disk on fire')
        instance = instances.get(instance['uuid'])
    assert instance['vm_state'] == 'error'
    fault = instances.faults_latest([instance['uuid']])[instance['uuid']]
    assert fault['message'] == (
        'No valid host was found. There are not enough hosts available. '
        'Last exception: disk on fire')
    assert _used() == dict.fromkeys(HOSTS, (0, 0))


def test_max_attempts_1_fails_with_the_build_error(cloud, ctx, conf):
    conf.config(group='scheduler', max_attempts=1)
    computes = Computes()
    instance = boot(ctx, cloud, computes)
    _fail_spawn(ctx, computes, instance, 'Hypervisor error: no')
    instance = instances.get(instance['uuid'])
    assert instance['vm_state'] == 'error' and len(computes.built) == 1
    fault = instances.faults_latest([instance['uuid']])[instance['uuid']]
    assert fault['message'] == 'No valid host was found. Hypervisor error: no'


def test_restarted_host_stays_eligible(cloud, ctx):
    """A compute that restarted before spawning says nothing against
    itself: the attempt counts, the host is not excluded."""
    computes = Computes()
    instance = boot(ctx, cloud, computes)
    build.reschedule(ctx, CONF, computes, instance['uuid'], instance['host'],
                     'restarted', ('scheduling', 'spawning', None),
                     exclude=False)
    retry = instances.get(instance['uuid'])['system_metadata'][
        'build_retry']
    assert retry['hosts'] == [] and retry['num_attempts'] == 2
    assert retry['failures'] == [[instance['host'], 'restarted']]


def test_stale_build_message_cannot_start_a_moved_build(cloud, ctx):
    computes = Computes()
    instance = boot(ctx, cloud, computes)
    _fail_spawn(ctx, computes, instance)
    with pytest.raises(exception.InstanceTaskStateConflict):
        instances.start_build(instance['uuid'], instance['host'])


def test_builds_on_a_down_host_are_scheduled_elsewhere(cloud, ctx):
    computes = Computes()
    placed = [boot(ctx, cloud, computes) for _ in range(6)]
    down_host = placed[0]['host']
    on_it = [p['uuid'] for p in placed if p['host'] == down_host]
    assert len(on_it) == 2  # spread: two per host
    # One it started before it went down: its guest may exist there, so
    # it is left to the host's restart (or the build's deadline).
    spawning, stranded = on_it
    instances.start_build(spawning, down_host)
    (service,) = services.get_all(host=down_host)
    services.update(service['id'], {
        'last_seen_up': datetime.datetime(2000, 1, 1)})
    admin = nova_context.get_admin_context()
    assert build.reschedule_builds_on_down_hosts(
        admin, CONF, computes) == 1
    instance = instances.get(stranded)
    assert instance['host'] not in (None, down_host)
    assert instance['task_state'] == 'scheduling'
    # The events land under the create action, not the periodic's.
    assert build.RESCHEDULE_EVENT in [
        e['event'] for e in actions.get(stranded, ctx.request_id)['events']]
    assert _used()[down_host] == (1024, 1)
    assert instances.get(spawning)['host'] == down_host
    assert build.reschedule_builds_on_down_hosts(admin, CONF, computes) == 0
