"""A running service: its RPC server, heartbeats and periodic tasks."""
import logging

import oslo_messaging as messaging

from nova_core import exception, periodic, rpc

LOG = logging.getLogger(__name__)


class Service:
    """Serve ``manager`` on ``topic`` (and ``topic.<host>``) over RPC.

    ``register()`` records the service at start (and again if an operator
    deleted it) and ``heartbeat()`` runs every ``report_interval``; where
    they write depends on the service (the conductor writes to the
    database, compute asks a conductor). ``on_start()`` runs once after
    registering and before the first request is taken; ``on_stop()`` once
    the last request is done.
    """

    def __init__(self, conf, binary, topic, manager, register, heartbeat,
                 tasks=(), on_start=None, on_stop=None):
        self.conf = conf
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self._register = register
        self._heartbeat = heartbeat
        self._on_start = on_start
        self._on_stop = on_stop
        self._server = None
        self._periodic = periodic.PeriodicTasks(
            [(conf.report_interval, self.report_state)] + list(tasks),
            name='%s-periodic' % binary)

    def start(self):
        self._register()
        if self._on_start is not None:
            self._on_start()
        target = messaging.Target(topic=self.topic, server=self.conf.host)
        self._server = rpc.get_server(target, [self.manager])
        self._server.start()
        self._periodic.start()
        LOG.info('%s started on host %s, topic %s', self.binary,
                 self.conf.host, self.topic)

    def report_state(self):
        try:
            self._heartbeat()
        except exception.ServiceNotFound:
            LOG.warning('%s was deleted by an operator; registering again',
                        self.binary)
            self._register()
        except Exception as exc:  # noqa: BLE001 - retry at the next beat
            LOG.warning('Heartbeat of %s failed: %s', self.binary, exc)

    def stop(self):
        self._periodic.stop()
        if self._server is not None:
            self._server.stop()
            self._server.wait()
            self._server = None
        if self._on_stop is not None:
            self._on_stop()
        LOG.info('%s stopped', self.binary)
