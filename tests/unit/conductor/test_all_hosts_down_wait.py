"""Builds while every compute host missed its heartbeats (a broker or
database outage): they wait for the hosts instead of failing NoValidHost;
and a build start its host reports twice is accepted."""
import datetime
from unittest import mock

import pytest

from nova_core import context as nova_context
from nova_core import exception
from nova_core.conf import CONF
from nova_core.db import instances, services
from nova_core.scheduler import host_selection
from tests.fixtures.clock import Clock
from tests.unit.conductor.builds import Computes, add_hosts, boot


@pytest.fixture
def hosts(db):
    return add_hosts(('a', 'b'))


def _boot(image, computes):
    return boot(nova_context.RequestContext('u', 'p', request_id='req-1'),
                image, computes)


def test_a_build_start_reported_twice_by_its_host_is_accepted(hosts):
    instance = _boot(hosts, Computes())
    first = instances.start_build(instance['uuid'], instance['host'])
    again = instances.start_build(instance['uuid'], instance['host'])
    assert first['task_state'] == again['task_state'] == 'spawning'
    other = 'b' if instance['host'] == 'a' else 'a'
    with pytest.raises(exception.InstanceTaskStateConflict):
        instances.start_build(instance['uuid'], other)
    instances.update(instance['uuid'], {'vm_state': 'active',
                                        'task_state': None})
    with pytest.raises(exception.InstanceTaskStateConflict):
        instances.start_build(instance['uuid'], instance['host'])


def _last_seen(host, seconds_ago):
    (service,) = services.get_all(host=host)
    services.update(service['id'], {
        'last_seen_up': datetime.datetime.now(datetime.timezone.utc).replace(
            tzinfo=None) - datetime.timedelta(seconds=seconds_ago)})


def test_a_build_waits_while_every_host_missed_heartbeats(hosts, conf):
    conf.config(service_down_time=10)
    conf.config(group='scheduler', all_hosts_down_wait=60)
    for host in ('a', 'b'):
        _last_seen(host, 20)  # down, but seen lately: an outage
    beats = []

    def sleep(seconds):
        beats.append(seconds)
        if len(beats) == 3:
            _last_seen('b', 0)  # the broker is back: b reports
    computes = Computes()
    with mock.patch('time.sleep', sleep):
        instance = _boot(hosts, computes)
    assert beats == [1, 1, 1]
    assert instance['host'] == 'b' and instance['vm_state'] == 'building'
    assert computes.built == [(instance['uuid'], 'b', 'x')]


@pytest.mark.parametrize('seen,wait,expected_sleeps', [
    (20, 0, 0),       # waiting turned off
    (1000, 60, 0),    # long gone: no outage, a dead fleet
    (12, 5, 5),       # an outage longer than the wait
])
def test_no_valid_host_when_waiting_cannot_help(hosts, conf, seen, wait,
                                                expected_sleeps):
    conf.config(service_down_time=10)
    conf.config(group='scheduler', all_hosts_down_wait=wait)
    for host in ('a', 'b'):
        _last_seen(host, seen)
    clock = Clock()
    assert host_selection.wait_for_heartbeats(
        CONF, sleep=clock.sleep, clock=clock) is False
    assert len(clock.slept) == expected_sleeps


def test_a_host_that_reported_meanwhile_is_tried_at_once(hosts, conf):
    conf.config(service_down_time=10)
    _last_seen('a', 20)
    clock = Clock()
    assert host_selection.wait_for_heartbeats(
        CONF, sleep=clock.sleep, clock=clock) is True
    assert clock.slept == []


def test_full_hosts_do_not_wait(hosts, conf):
    """A NoValidHost for want of room is final at once."""
    conf.config(group='scheduler', all_hosts_down_wait=60)
    computes = Computes()
    with mock.patch('time.sleep') as sleep, \
            mock.patch.object(host_selection, 'wait_for_heartbeats',
                              wraps=host_selection.wait_for_heartbeats) as w:
        for _ in range(17):  # 8 vCPUs on each of the two hosts
            instance = _boot(hosts, computes)
    assert instance['vm_state'] == 'error'
    assert len(computes.built) == 16
    sleep.assert_not_called()
    w.assert_not_called()


def test_no_host_up_names_the_compute_filter(hosts, conf):
    for host in ('a', 'b'):
        _last_seen(host, 1000)
    with pytest.raises(exception.NoValidHost) as caught:
        host_selection.select_hosts({'vcpus': 1, 'memory_mb': 1,
                                     'disk_gb': 1}, CONF)
    assert host_selection.no_host_up(caught.value)




def test_waiting_builds_never_take_every_thread(hosts, conf, monkeypatch):
    """Past the waiting slots a build is left in scheduling (its deadline
    schedules it again), so that the heartbeats, which arrive on the
    conductor's topic too, find threads to run on."""
    conf.config(service_down_time=10)
    conf.config(group='scheduler', all_hosts_down_wait=60)
    for host in ('a', 'b'):
        _last_seen(host, 20)
    slots = mock.Mock()
    slots.acquire.return_value = False
    monkeypatch.setattr(host_selection, '_waiting_slots', lambda c: slots)
    computes = Computes()
    with mock.patch('time.sleep') as sleep:
        instance = _boot(hosts, computes)
    sleep.assert_not_called()
    assert (instance['vm_state'], instance['task_state'],
            instance['host']) == ('building', 'scheduling', None)
    assert computes.built == []


@pytest.mark.parametrize('seen,expected', [
    (0, True),                        # reported meanwhile: schedule again
    (20, host_selection.NO_SLOT),     # late: leave it for the deadline
    (1000, False),                    # long gone: NoValidHost
])
def test_without_a_slot_nothing_waits(hosts, conf, monkeypatch, seen,
                                      expected):
    conf.config(service_down_time=10)
    conf.config(group='scheduler', all_hosts_down_wait=60)
    _last_seen('a', seen)
    _last_seen('b', 1000)
    slots = mock.Mock()
    slots.acquire.return_value = False
    monkeypatch.setattr(host_selection, '_waiting_slots', lambda c: slots)
    clock = Clock()
    assert host_selection.wait_for_heartbeats(
        CONF, sleep=clock.sleep, clock=clock) == expected
    assert clock.slept == []
