"""A running service: its RPC server, heartbeats and periodic tasks."""
import logging

import oslo_messaging as messaging

from nova_core import exception, periodic, rpc

LOG = logging.getLogger(__name__)


class Service:
    """Serve ``manager`` on ``topic`` (and ``topic.<host>``) over RPC.

    ``register()`` records the service at start, waiting as long as it
    takes; ``heartbeat()`` runs every ``report_interval`` on a thread of its
    own, so a slow periodic task never delays it. When a heartbeat finds
    the service gone (an operator deleted it, or it was never recorded
    because no conductor answered), ``reregister()`` (default:
    ``register``) runs on that same thread, one attempt per beat. Where
    they write depends on the service (the conductor writes to the
    database, compute asks a conductor). ``on_start()`` runs once after
    registering and before the first request is taken. ``stopped()`` marks
    the service down at once when it stops on purpose, before it finishes
    its requests; ``on_stop()`` runs once the last request is done.
    ``endpoint``, if given, is served instead of ``manager`` (the
    conductor's guard in front of its manager).
    """

    def __init__(self, conf, binary, topic, manager, register, heartbeat,
                 tasks=(), on_start=None, on_stop=None, reregister=None,
                 stopped=None, endpoint=None):
        self.conf = conf
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.endpoint = manager if endpoint is None else endpoint
        self._register = register
        self._reregister = reregister or register
        self._heartbeat = heartbeat
        self._stopped = stopped
        self._on_start = on_start
        self._on_stop = on_stop
        self._server = None
        self._registered = False
        self._heartbeats = periodic.PeriodicTasks(
            [(conf.report_interval, self.report_state)],
            name='%s-heartbeat' % binary)
        self._periodic = periodic.PeriodicTasks(
            list(tasks), name='%s-periodic' % binary)

    def start(self):
        self._register()
        self._registered = True
        if self._on_start is not None:
            self._on_start()
        target = messaging.Target(topic=self.topic, server=self.conf.host)
        self._server = rpc.get_server(target, [self.endpoint])
        self._server.start()
        self._heartbeats.start()
        self._periodic.start()
        LOG.info('%s started on host %s, topic %s', self.binary,
                 self.conf.host, self.topic)

    def report_state(self):
        """One heartbeat; registers again first if the last one found the
        service gone. Failures are logged and retried at the next beat."""
        try:
            if not self._registered:
                self._reregister()
                self._registered = True
                LOG.info('%s registered again', self.binary)
            self._heartbeat()
        except exception.ServiceNotFound:
            LOG.warning('%s was deleted by an operator; registering again '
                        'at the next beat', self.binary)
            self._registered = False
        except Exception as exc:  # noqa: BLE001 - retry at the next beat
            LOG.warning('Heartbeat of %s failed: %s', self.binary, exc)

    def stop(self):
        self._heartbeats.stop()
        if self._stopped is not None:
            try:
                self._stopped()
            except Exception as exc:  # noqa: BLE001 - stop all the same
                LOG.warning('Could not mark %s down: %s', self.binary, exc)
        self._periodic.stop()
        if self._server is not None:
            self._server.stop()
            self._server.wait()
            self._server = None
        if self._on_stop is not None:
            self._on_stop()
        LOG.info('%s stopped', self.binary)
