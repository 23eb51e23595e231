"""RPC: client and server agree; local:// is fast and carries typed errors."""
import inspect
import threading
import time
from unittest import mock

import oslo_messaging as messaging
import pytest
from kombu import exceptions as kombu_exc

from nova_core import context, exception, rpc
from nova_core.compute import manager as compute_manager
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.conductor import manager as conductor_manager
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.conf import CONF

PAIRS = [(conductor_rpcapi, conductor_rpcapi.ConductorAPI,
          conductor_manager, conductor_manager.ConductorManager),
         (compute_rpcapi, compute_rpcapi.ComputeAPI,
          compute_manager, compute_manager.ComputeManager)]


def _unwrap(func, name):
    """The function under decorators, also those without functools.wraps
    (oslo.messaging's expected_exceptions keeps it in its closure)."""
    func = inspect.unwrap(func)
    for cell in func.__closure__ or ():
        inner = cell.cell_contents
        if inspect.isfunction(inner) and inner.__name__ == name:
            return _unwrap(inner, name)
    return func


def _public(cls):
    return {n: f for n, f in inspect.getmembers(cls, inspect.isfunction)
            if not n.startswith('_')}


@pytest.mark.parametrize('client_mod,client,server_mod,server', PAIRS)
def test_one_version_on_both_sides(client_mod, client, server_mod, server):
    assert client_mod.RPC_API_VERSION == server_mod.RPC_API_VERSION
    assert server.target.version == server_mod.RPC_API_VERSION


@pytest.mark.parametrize('client_mod,client,server_mod,server', PAIRS)
def test_every_client_method_has_an_endpoint_with_its_arguments(
        client_mod, client, server_mod, server):
    endpoints = _public(server)
    for name, method in _public(client).items():
        assert name in endpoints, '%s has no endpoint %s' % (server, name)
        sent = list(inspect.signature(method).parameters)[2:]
        taken = list(inspect.signature(
            _unwrap(endpoints[name], name)).parameters)[2:]
        assert sent == taken, name


class Echo:
    target = messaging.Target(version='1.0')

    def echo(self, ctxt, value):
        return {'value': value, 'user': ctxt.user_id}

    @messaging.expected_exceptions(exception.InstanceNotFound)
    def missing(self, ctxt, uuid):
        raise exception.InstanceNotFound(instance_id=uuid)


@pytest.fixture
def local_rpc(conf):
    rpc.cleanup()
    rpc.register_opts(CONF)
    conf.config(transport_url='local://')
    rpc.init(CONF)
    server = rpc.get_server(messaging.Target(topic='echo', server='h1'),
                            [Echo()])
    server.start()
    client = rpc.get_client(messaging.Target(topic='echo', version='1.0'))
    yield client
    server.stop()
    server.wait()
    rpc.cleanup()


def test_local_calls_carry_context_and_values(local_rpc):
    ctxt = context.RequestContext(user_id='u1', project_id='p1')
    reply = local_rpc.call(ctxt, 'echo', value={'a': [1, 2]})
    assert reply == {'value': {'a': [1, 2]}, 'user': 'u1'}


def test_local_calls_raise_typed_errors(local_rpc):
    ctxt = context.RequestContext(user_id='u1', project_id='p1')
    with pytest.raises(exception.InstanceNotFound) as caught:
        local_rpc.call(ctxt, 'missing', uuid='abc')
    assert 'abc' in str(caught.value)


def test_local_calls_do_not_poll(local_rpc):
    """fake:// sleeps 50 ms between looks; local:// wakes at once. Many
    sequential calls must not add up to polling intervals (a bound loose
    enough for a loaded machine, not a benchmark)."""
    ctxt = context.RequestContext(user_id='u1', project_id='p1')
    start = time.monotonic()
    for _ in range(40):
        local_rpc.call(ctxt, 'echo', value=1)
    assert time.monotonic() - start < 40 * 0.05


def test_local_calls_from_threads(local_rpc):
    ctxt = context.RequestContext(user_id='u1', project_id='p1')
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        local_rpc.call(ctxt, 'echo', value=i))) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(r['value'] for r in results) == list(range(16))


def test_topic_queues_are_durable_by_default(conf):
    """Casts accepted while consumers re-declare their queues after a
    broker restart wait in the queue instead of being dropped."""
    rpc.register_opts(CONF)
    rabbit = CONF.oslo_messaging_rabbit
    assert rabbit.amqp_durable_queues is True
    assert rabbit.rabbit_qos_prefetch_count == 1


@pytest.mark.parametrize('error', [
    kombu_exc.OperationalError('[Errno 111] Connection refused'),
    ConnectionRefusedError(111, 'Connection refused'),
])
@pytest.mark.parametrize('send', ['call', 'cast'])
def test_a_broker_out_of_reach_is_a_delivery_failure(error, send):
    """kombu's connection errors leak out of the RabbitMQ driver's pool:
    callers see one error for an unreachable broker (the API's 503)."""
    inner = mock.Mock(spec=['prepare', 'call', 'cast', 'can_send_version'])
    inner.prepare.return_value = inner
    getattr(inner, send).side_effect = error
    client = rpc.Client(inner).prepare(server='h1')
    with pytest.raises(messaging.MessageDeliveryFailure):
        getattr(client, send)({}, 'build_instances', x=1)
    getattr(inner, send).assert_called_once_with({}, 'build_instances', x=1)


def test_messaging_errors_pass_as_they_are():
    inner = mock.Mock(spec=['prepare', 'call', 'cast', 'can_send_version'])
    inner.call.side_effect = messaging.MessagingTimeout('no reply')
    with pytest.raises(messaging.MessagingTimeout):
        rpc.Client(inner).call({}, 'm')
