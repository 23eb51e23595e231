"""``local://``: an in-process oslo.messaging transport without polling.

oslo.messaging's ``fake://`` driver makes listeners sleep 50 ms between
looks at their queues, so every RPC call in one process costs ~50 ms. This
driver keeps the fake driver's queues but wakes listeners with a condition
variable the moment a message arrives. Messages, replies and errors are
passed through JSON exactly as a broker would carry them, so code that works
on ``local://`` does not depend on sharing objects between services.

It is registered as the ``local`` entry point of ``oslo.messaging.drivers``
and used by ``nova-core-all`` (``transport_url = local://``).
"""
import threading
import time

import oslo_messaging
from oslo_messaging._drivers import base, impl_fake
from oslo_messaging._drivers import common as driver_common
from oslo_serialization import jsonutils

_WAIT_SLICE = 0.5  # seconds; bounds how late a stopped listener notices


def _through_json(value):
    return jsonutils.loads(jsonutils.dumps(value))


class _Exchange(impl_fake.FakeExchange):
    def __init__(self, name):
        super().__init__(name)
        self.arrived = threading.Condition(self._queues_lock)

    def deliver_message(self, topic, ctxt, message, server=None,
                        fanout=False, reply_q=None):
        with self.arrived:
            super().deliver_message(topic, ctxt, message, server=server,
                                    fanout=fanout, reply_q=reply_q)
            self.arrived.notify_all()


class _ExchangeManager(impl_fake.FakeExchangeManager):
    _exchanges_lock = threading.Lock()
    _exchanges = {}

    def get_exchange(self, name):
        if name is None:
            name = self._default_exchange
        with self._exchanges_lock:
            return self._exchanges.setdefault(name, _Exchange(name))


class _IncomingMessage(impl_fake.FakeIncomingMessage):
    def __init__(self, ctxt, message, reply_q, requeue, allowed_exmods):
        super().__init__(ctxt, message, reply_q, requeue)
        self._allowed_exmods = allowed_exmods

    def reply(self, reply=None, failure=None):
        if not self._reply_q:
            return
        if failure:
            data = driver_common.serialize_remote_exception(failure)
            error = driver_common.deserialize_remote_exception(
                data, self._allowed_exmods)
            self._reply_q.put((None, error))
        else:
            self._reply_q.put((_through_json(reply), None))


class _Listener(impl_fake.FakeListener):
    def __init__(self, exchange_manager, targets, allowed_exmods):
        super().__init__(exchange_manager, targets)
        self._allowed_exmods = allowed_exmods
        names = {t.exchange for t in targets}
        assert len(names) == 1, 'a listener serves one exchange'
        self._exchange = exchange_manager.get_exchange(names.pop())

    @base.batch_poll_helper
    def poll(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._exchange.arrived:
            while not self._stopped.is_set():
                for target in self._targets:
                    ctxt, message, reply_q, requeue = self._exchange.poll(
                        target, self._pool)
                    if message is not None:
                        return _IncomingMessage(ctxt, message, reply_q,
                                                requeue, self._allowed_exmods)
                wait = _WAIT_SLICE
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        return None
                self._exchange.arrived.wait(wait)
        return None

    def stop(self):
        super().stop()
        with self._exchange.arrived:
            self._exchange.arrived.notify_all()


class LocalDriver(impl_fake.FakeDriver):
    """The fake driver's queues, woken by a condition, JSON on the wire."""

    def __init__(self, conf, url, default_exchange=None,
                 allowed_remote_exmods=None):
        super().__init__(conf, url, default_exchange, allowed_remote_exmods)
        self._exchange_manager = _ExchangeManager(default_exchange)
        self._allowed_exmods = allowed_remote_exmods or []

    @staticmethod
    def _check_serialize(message):
        """_send already took the message through JSON."""

    def _send(self, target, ctxt, message, wait_for_reply=None, timeout=None,
              transport_options=None):
        return super()._send(target, _through_json(ctxt),
                             _through_json(message), wait_for_reply, timeout,
                             transport_options)

    def listen(self, target, batch_size, batch_timeout):
        exchange = target.exchange or self._default_exchange
        listener = _Listener(
            self._exchange_manager,
            [oslo_messaging.Target(topic=target.topic, server=target.server,
                                   exchange=exchange),
             oslo_messaging.Target(topic=target.topic, exchange=exchange)],
            self._allowed_exmods)
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)
