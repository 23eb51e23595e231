"""RPC plumbing shared by every service: one transport, typed errors, contexts.

Clients and servers are made here so that every one of them has the same
serializer (contexts travel as dicts, datetimes as ISO strings) and lets
``nova_core.exception`` errors cross the wire as themselves.
"""
import datetime

import oslo_messaging as messaging
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
    """
    from oslo_messaging import opts
    for group, group_opts in opts.list_opts():
        if group in (None, 'DEFAULT'):
            conf.register_opts(group_opts)
        elif group == 'oslo_messaging_rabbit':
            conf.register_opts(group_opts, group=group)
    conf.set_default('rabbit_qos_prefetch_count', 1,
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


def get_client(target, version_cap=None):
    return messaging.get_rpc_client(
        get_transport(), target, version_cap=version_cap,
        serializer=RequestContextSerializer())


def get_server(target, endpoints):
    return messaging.get_rpc_server(
        get_transport(), target, endpoints,
        serializer=RequestContextSerializer(),
        access_policy=messaging.DefaultRPCAccessPolicy)
