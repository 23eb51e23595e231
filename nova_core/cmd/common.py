"""What every console script does: log its options, run until
SIGTERM/SIGINT, then stop."""
import logging
import signal
import threading

from nova_core import rpc

LOG = logging.getLogger('nova_core.cmd')


def log_options(conf):
    """Log every option's value at start, as Nova's services do; options
    declared ``secret=True`` (passwords, ``transport_url``, ``[database]
    connection``) are shown as ``****``."""
    rpc.register_opts(conf)  # so that transport_url is among them
    conf.log_opt_values(LOG, logging.INFO)


def catch_signals():
    """Install handlers for SIGTERM and SIGINT now, before a service starts
    or says it is ready, so that a signal arriving early stops it cleanly
    rather than killing it. Returns the event the handlers set."""
    stopping = threading.Event()

    def handler(signum, frame):
        stopping.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stopping


def wait_for_signal(stopping=None):
    """Block the main thread until SIGTERM or SIGINT arrives (or has
    arrived since ``stopping`` came from catch_signals())."""
    if stopping is None:
        stopping = catch_signals()
    while not stopping.wait(1.0):
        pass


def serve(*services, cleanup=()):
    """Start ``services``, run until a signal, then stop them in reverse
    order and call each of ``cleanup``."""
    started = []
    stopping = catch_signals()
    try:
        for svc in services:
            svc.start()
            started.append(svc)
        wait_for_signal(stopping)
    finally:
        for svc in reversed(started):
            svc.stop()
        for fn in cleanup:
            fn()
