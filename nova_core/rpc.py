"""RPC plumbing shared by every service: one transport, typed errors, contexts.

Clients and servers are made here so that every one of them has the same
serializer (contexts travel as dicts, datetimes as ISO strings) and lets
``nova_core.exception`` errors cross the wire as themselves.
"""
import contextlib
import datetime

import oslo_messaging as messaging
from kombu import exceptions as kombu_exc
from oslo_serialization import jsonutils

from nova_core import context as nova_context

ALLOWED_EXMODS = ['nova_core.exception']

_TRANSPORT = None


def register_opts(conf):
    """Register oslo.messaging's options before the transport exists, so
    that nova-core's defaults can be set on them.

    RabbitMQ consumers take one unacknowledged message at a time
    (``rabbit_qos_prefetch_count = 1``, unless the operator says
    otherwise): with the broker's default of unlimited prefetch, a
    conductor stopped during a burst of builds took dozens of messages with
    it; with one, what it has not started stays queued for the others.

    Topic queues (``conductor``, ``compute.<host>``) are durable
    (``amqp_durable_queues = True``) and their messages persistent (kombu's
    default), so they outlive a broker restart: a build accepted (202)
    after the broker came back, but before the conductors declared their
    queue again, waits in that queue instead of being routed nowhere and
    dropped. Reply and fanout queues stay transient. A deployment that ran
    with transient queues keeps them (oslo.messaging falls back to
    transient with a warning, as RabbitMQ refuses to redeclare a queue with
    another durability) until they and the control exchange are deleted
    once, with the services stopped.
    """
    from oslo_messaging import opts
    for group, group_opts in opts.list_opts():
        if group in (None, 'DEFAULT'):
            conf.register_opts(group_opts)
        elif group == 'oslo_messaging_rabbit':
            conf.register_opts(group_opts, group=group)
    conf.set_default('rabbit_qos_prefetch_count', 1,
                     group='oslo_messaging_rabbit')
    conf.set_default('amqp_durable_queues', True,
                     group='oslo_messaging_rabbit')


def init(conf):
    """Create the process's transport from ``[DEFAULT] transport_url``."""
    global _TRANSPORT
    if _TRANSPORT is None:
        register_opts(conf)
        _TRANSPORT = messaging.get_rpc_transport(
            conf, allowed_remote_exmods=ALLOWED_EXMODS)
    return _TRANSPORT


def cleanup():
    global _TRANSPORT
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
        _TRANSPORT = None


def get_transport():
    if _TRANSPORT is None:
        raise RuntimeError('nova_core.rpc.init() was not called')
    return _TRANSPORT


def to_primitive(value):
    """``value`` with datetimes as ISO strings, ready for JSON.

    Entities here are dicts and lists of plain values and datetimes (rows),
    so this walk is all they need; oslo's generic ``to_primitive`` costs
    several times more on every message.
    """
    if isinstance(value, dict):
        return {k: to_primitive(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_primitive(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return jsonutils.to_primitive(value, convert_instances=True)


class RequestContextSerializer(messaging.Serializer):
    """Contexts as dicts; entities as JSON primitives."""

    def serialize_entity(self, ctxt, entity):
        return to_primitive(entity)

    def deserialize_entity(self, ctxt, entity):
        return entity

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, ctxt):
        return nova_context.RequestContext.from_dict(ctxt)


#: What reaching the broker raises besides oslo.messaging's own
#: MessageDeliveryFailure: the RabbitMQ driver's connection pool lets
#: kombu's connection errors out when it opens a new connection to a
#: broker that is down (seen under a storm of boots: a 500 instead of 503).
CONNECTION_ERRORS = (kombu_exc.OperationalError, kombu_exc.ConnectionError,
                     ConnectionError, OSError)


class Client:
    """An oslo.messaging RPC client whose failures to reach the broker
    are all :class:`oslo_messaging.MessageDeliveryFailure`, so that a
    bounded client (``retry``) fails one way, which callers (the API: a
    503) can name."""

    def __init__(self, client):
        self._client = client

    def prepare(self, **kwargs):
        return Client(self._client.prepare(**kwargs))

    def can_send_version(self, version):
        return self._client.can_send_version(version)

    def call(self, ctxt, method, **kwargs):
        with _delivery(method):
            return self._client.call(ctxt, method, **kwargs)

    def cast(self, ctxt, method, **kwargs):
        with _delivery(method):
            self._client.cast(ctxt, method, **kwargs)


@contextlib.contextmanager
def _delivery(method):
    try:
        yield
    except messaging.MessagingException:
        raise
    except CONNECTION_ERRORS as exc:
        raise messaging.MessageDeliveryFailure(
            '%s not delivered: the message broker cannot be reached (%s)'
            % (method, exc)) from exc


def get_client(target, version_cap=None, retry=None, timeout=None):
    """An RPC client (:class:`Client`); ``retry`` bounds its attempts to
    reach the broker (None: forever, oslo.messaging's default; see
    :func:`handoff_retries`), ``timeout`` the seconds a call waits for
    its answer (None: ``rpc_response_timeout``).
    """
    return Client(messaging.get_rpc_client(
        get_transport(), target, version_cap=version_cap,
        serializer=RequestContextSerializer(), retry=retry,
        timeout=timeout))


def handoff_retries(conf, seconds):
    """How many reconnection attempts fit in ``seconds``.

    oslo.messaging bounds a send by attempts, not time: after a failed
    attempt the RabbitMQ driver waits ``kombu_reconnect_delay`` plus an
    interval growing from ``rabbit_retry_interval`` by
    ``rabbit_retry_backoff`` up to ``rabbit_interval_max``. Measured with a
    stopped broker: 1 retry 2 s, 2 retries 6 s (the defaults).
    """
    register_opts(conf)
    rabbit = conf.oslo_messaging_rabbit
    retries, spent = 0, 0.0
    interval = rabbit.rabbit_retry_interval
    while True:
        spent += rabbit.kombu_reconnect_delay + interval
        if spent > seconds:
            return retries
        retries += 1
        interval = min(interval + rabbit.rabbit_retry_backoff,
                       rabbit.rabbit_interval_max)


def get_server(target, endpoints):
    return messaging.get_rpc_server(
        get_transport(), target, endpoints,
        serializer=RequestContextSerializer(),
        access_policy=messaging.DefaultRPCAccessPolicy)
