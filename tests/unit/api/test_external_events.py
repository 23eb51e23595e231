"""What the API does with accepted external events: codes, actions, and
one cast per host."""
from unittest import mock

import pytest

from nova_core.api import external_events
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.context import RequestContext

A, B, C = ('aaaaaaaa-0000-4000-8000-%012d' % i for i in range(3))
INSTANCES = {A: {'uuid': A, 'host': 'h1'}, B: {'uuid': B, 'host': 'h2'},
             C: {'uuid': C, 'host': 'h1'}}


def _event(name, uuid, tag=None):
    event = {'name': name, 'server_uuid': uuid, 'status': 'completed'}
    if tag is not None:
        event['tag'] = tag
    return event


@pytest.mark.parametrize('event, instance, code', [
    (_event('network-changed', A), None, 404),
    (_event('network-changed', A), {'host': None}, 422),
    (_event('power-update', A), {'host': 'h1'}, 400),
    (_event('volume-extended', A), {'host': None}, 400),
    (_event('power-update', A, 'POWER_ON'), {'host': 'h1'}, 200),
    (_event('network-vif-plugged', A), {'host': 'h1'}, 200),
])
def test_code(event, instance, code):
    assert external_events.code(event, instance) == code


@mock.patch.object(external_events.db_actions, 'start', autospec=True)
def test_dispatch_records_actions_and_casts_each_host_once(start):
    compute = mock.create_autospec(compute_rpcapi.ComputeAPI,
                                   instance=True)
    ctx = RequestContext(user_id='svc', project_id='service',
                         request_id='req-1')
    external_events.dispatch(ctx, compute, INSTANCES, [
        _event('network-changed', A), _event('power-update', B, 'POWER_OFF'),
        _event('volume-extended', C, 'vol'),
        _event('power-update', A, 'SIDEWAYS')])
    assert start.call_args_list == [
        mock.call(B, 'stop', 'req-1', 'svc', 'service'),
        mock.call(C, 'extend_volume', 'req-1', 'svc', 'service')]
    casts = {c.args[3]: c.args for c in
             compute.external_instance_event.call_args_list}
    assert set(casts) == {'h1', 'h2'}
    assert [i['uuid'] for i in casts['h1'][1]] == [A, C]
    assert [e['name'] for e in casts['h1'][2]] == ['network-changed',
                                                   'volume-extended']
    assert casts['h2'][2] == [{'name': 'power-update', 'tag': 'POWER_OFF',
                               'status': 'completed', 'instance_uuid': B}]
