"""Service: heartbeats on a thread of their own, re-registration on that
thread, and a stop that marks the service down first."""
import threading
import time

import pytest

from nova_core import exception, rpc, service
from nova_core.conf import CONF


@pytest.fixture
def transport(conf):
    rpc.cleanup()
    rpc.register_opts(CONF)
    conf.config(transport_url='local://', report_interval=1)
    rpc.init(CONF)
    yield
    rpc.cleanup()


def _service(events, tasks=(), heartbeat=None, **kwargs):
    import oslo_messaging as messaging

    class Manager:
        target = messaging.Target(version='1.0')

    return service.Service(
        CONF, 'nova-test', 'test-topic', Manager(),
        register=lambda: events.append('register'),
        heartbeat=heartbeat or (lambda: events.append('beat')),
        tasks=tasks, **kwargs)


def test_a_slow_periodic_task_does_not_delay_heartbeats(transport):
    events, started = [], threading.Event()

    def slow_task():
        started.set()
        time.sleep(3)

    svc = _service(events, tasks=[(1, slow_task)])
    svc.start()
    try:
        assert started.wait(5)
        time.sleep(2.5)  # the task is still running
        assert events.count('beat') >= 2
    finally:
        svc.stop()


def test_heartbeats_resume_after_the_conductor_comes_back(transport):
    events, outage = [], {'left': 2}

    def heartbeat():
        if outage['left']:
            outage['left'] -= 1
            raise exception.ServiceNotFound(service_id='x')
        events.append('beat')

    def reregister():
        events.append('reregister')

    svc = _service(events, heartbeat=heartbeat, reregister=reregister)
    svc._registered = True  # as after start()
    svc.report_state()  # the service is gone: the next beat registers
    assert events == []
    svc.report_state()  # registers again, still gone (conductor outage)
    svc.report_state()  # registers again, beats
    assert events == ['reregister', 'reregister', 'beat']


def test_a_failing_heartbeat_is_retried_at_the_next_beat(transport):
    calls = []

    def heartbeat():
        calls.append(1)
        raise RuntimeError('conductor unreachable')

    svc = _service([], heartbeat=heartbeat)
    svc.report_state()
    svc.report_state()
    assert len(calls) == 2


def test_stop_marks_the_service_down_before_finishing(transport):
    events = []
    svc = _service(events, stopped=lambda: events.append('stopped'),
                   on_stop=lambda: events.append('on_stop'))
    svc.start()
    svc.stop()
    assert events[0] == 'register'
    assert events[-2:] == ['stopped', 'on_stop']


def test_stop_goes_on_when_marking_down_fails(transport):
    events = []

    def stopped():
        raise RuntimeError('no conductor')

    svc = _service(events, stopped=stopped,
                   on_stop=lambda: events.append('on_stop'))
    svc.start()
    svc.stop()
    assert events[-1] == 'on_stop'


def test_a_stopped_service_is_down_until_it_registers_again(db):
    from nova_core.db import services
    services.register('host1', 'nova-compute', 'compute')
    (row,) = services.get_all(host='host1')
    assert services.is_up(row, 60)
    services.mark_stopped('host1', 'nova-compute')
    (row,) = services.get_all(host='host1')
    assert not services.is_up(row, 60)
    services.register('host1', 'nova-compute', 'compute')
    (row,) = services.get_all(host='host1')
    assert services.is_up(row, 60)
