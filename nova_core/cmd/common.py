"""What every console script does: run until SIGTERM/SIGINT, then stop."""
import signal
import threading


def wait_for_signal():
    """Block the main thread until SIGTERM or SIGINT arrives."""
    stopping = threading.Event()

    def handler(signum, frame):
        stopping.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not stopping.wait(1.0):
        pass


def serve(*services, cleanup=()):
    """Start ``services``, run until a signal, then stop them in reverse
    order and call each of ``cleanup``."""
    started = []
    try:
        for svc in services:
            svc.start()
            started.append(svc)
        wait_for_signal()
    finally:
        for svc in reversed(started):
            svc.stop()
        for fn in cleanup:
            fn()
