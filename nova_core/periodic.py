"""Run a few functions every so many seconds on one daemon thread."""
import logging
import threading
import time

LOG = logging.getLogger(__name__)


class PeriodicTasks:
    """``tasks``: (interval_seconds, callable) pairs, run first at start.

    A task that raises is logged and runs again at its next turn; one slow
    task delays the others, as in Nova's periodic task runner.
    """

    def __init__(self, tasks, name='periodic'):
        self._tasks = [[interval, fn, 0.0] for interval, fn in tasks]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name,
                                        daemon=True)

    def start(self):
        if self._tasks:
            self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self):
        while not self._stop.is_set():
            now = time.monotonic()
            for task in self._tasks:
                interval, fn, due = task
                if now >= due:
                    task[2] = now + interval
                    try:
                        fn()
                    except Exception:  # noqa: BLE001 - keep the others running
                        LOG.exception('Periodic task %s failed',
                                      getattr(fn, '__name__', fn))
            next_due = min(t[2] for t in self._tasks)
            self._stop.wait(max(0.0, next_due - time.monotonic()))
