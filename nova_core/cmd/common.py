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
