"""One state directory serves one nova-core-all at a time.

The lock is an ``fcntl.flock`` on ``<state_path>/nova-core-all.lock``, which
holds the owner's pid: the kernel releases it when that process ends, even
by ``kill -9``, so a stale file never blocks a start.
"""
import fcntl
import os

LOCK_FILE = 'nova-core-all.lock'


class StateDirInUse(RuntimeError):
    """Another process holds the state directory."""


class StateDirLock:

    def __init__(self, state_path):
        self.path = os.path.join(state_path, LOCK_FILE)
        self._fd = None

    def acquire(self):
        """:raises: StateDirInUse naming the other process's pid."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode(errors='replace').strip() or '?'
            os.close(fd)
            raise StateDirInUse(
                'state directory %s is in use by another nova-core-all '
                '(pid %s); stop it first or choose another state_path'
                % (os.path.dirname(self.path), owner)) from None
        os.ftruncate(fd, 0)
        os.write(fd, b'%d\n' % os.getpid())
        self._fd = fd

    def release(self):
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor unlocks
            self._fd = None
