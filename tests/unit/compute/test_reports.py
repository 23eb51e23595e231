"""Reports a compute node sends again until a conductor acknowledges them
(:mod:`nova_core.compute.reports`), and its bounded heartbeats."""
from unittest import mock

import oslo_messaging as messaging
import pytest

from nova_core import exception, rpc
from nova_core.compute import reports
from nova_core.compute import service as compute_service
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.conf import CONF
from tests.fixtures.clock import Clock


@pytest.mark.parametrize('exc', [
    messaging.MessagingTimeout('no reply'),
    messaging.MessageDeliveryFailure('broker away'),
    exception.ServiceUnavailable(reason='database'),
    messaging.RemoteError('OperationalError', '(2013, lost connection)'),
])
def test_a_report_is_sent_again_until_acknowledged(exc):
    clock, calls = Clock(), []

    def report(value):
        calls.append(value)
        if len(calls) < 4:
            raise exc
        return 'ok'
    wrapped = reports.until_acknowledged(report, 300, 10, sleep=clock.sleep,
                                         clock=clock)
    assert wrapped('x') == 'ok'
    assert calls == ['x'] * 4
    assert clock.slept == [1, 2, 4]


@pytest.mark.parametrize('exc', [
    exception.InstanceNotFound(instance_id='x'),
    exception.InstanceTaskStateConflict(instance_uuid='x', actual=None,
                                        action='a', expected='b'),
    messaging.RemoteError('ValueError', 'bad'),
])
def test_an_answer_is_not_sent_again(exc):
    clock = Clock()
    report = mock.Mock(side_effect=exc)
    with pytest.raises(type(exc)):
        reports.until_acknowledged(report, 300, 10, sleep=clock.sleep,
                                   clock=clock)()
    assert report.call_count == 1 and clock.slept == []


def test_a_report_gives_up_after_the_timeout():
    clock = Clock()
    report = mock.Mock(side_effect=messaging.MessagingTimeout('no reply'))
    with pytest.raises(messaging.MessagingTimeout):
        reports.until_acknowledged(report, 30, 10, sleep=clock.sleep,
                                   clock=clock)()
    assert clock.slept == [1, 2, 4, 8, 10]
    assert sum(clock.slept) <= 30


def test_only_reports_are_retried(conf):
    conductor = mock.create_autospec(conductor_rpcapi.ConductorAPI,
                                     instance=True)
    reliable = reports.ReliableConductor(conductor, CONF)
    conductor.instance_destroy.side_effect = [
        messaging.MessagingTimeout('lost with its conductor'), None]
    with mock.patch('time.sleep') as sleep:
        reliable.instance_destroy('ctx', 'uuid')
    assert conductor.instance_destroy.call_count == 2
    sleep.assert_called_once_with(1.0)
    # Heartbeats and registration have their own rules: sent once.
    conductor.service_heartbeat.side_effect = messaging.MessagingTimeout()
    with pytest.raises(messaging.MessagingTimeout):
        reliable.service_heartbeat('ctx', 'h', 'nova-compute')
    assert conductor.service_heartbeat.call_count == 1


def test_report_retries_can_be_turned_off(conf):
    conf.config(group='compute', report_retry_timeout=0)
    conductor = mock.create_autospec(conductor_rpcapi.ConductorAPI,
                                     instance=True)
    conductor.instance_destroy.side_effect = messaging.MessagingTimeout()
    with pytest.raises(messaging.MessagingTimeout):
        reports.ReliableConductor(conductor, CONF).instance_destroy('c', 'u')
    assert conductor.instance_destroy.call_count == 1



def test_a_heartbeat_waits_at_most_a_report_interval(conf):
    """A beat sent into a broker outage fails in time for the next one,
    so heartbeats resume within one interval of the broker's return."""
    rpc.register_opts(CONF)
    conf.config(report_interval=4)
    conf.config(group='compute', host_key='0' * 64)
    with mock.patch.object(conductor_rpcapi, 'ConductorAPI') as api:
        compute_service.heartbeat_client(CONF)
    kwargs = api.call_args.kwargs
    assert kwargs['timeout'] == 4
    assert kwargs['retry'] == rpc.handoff_retries(CONF, 4)
