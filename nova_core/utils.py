"""Small helpers shared by several services."""
import datetime
import ipaddress
import threading
import weakref


def utcnow_iso():
    """Now in UTC, naive, as an ISO string (how times cross RPC)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None).isoformat()


class KeyedLocks:
    """One lock per key (e.g. per instance), dropped when nobody holds it."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks = weakref.WeakValueDictionary()

    def __call__(self, key):
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = _Lock()
            return lock

    def held(self, key):
        """Whether someone holds (or waits for) the lock of ``key``."""
        with self._guard:
            return key in self._locks


class _Lock:
    """A lock that can be weakly referenced (``threading.Lock`` cannot)."""

    def __init__(self):
        self._lock = threading.Lock()

    def __enter__(self):
        self._lock.acquire()
        return self

    def __exit__(self, *exc):
        self._lock.release()


def compressed_ipv6(address):
    """An IPv6 address in its compressed form (``::babe:dc0c:1602`` for
    ``0000:...:babe:220.12.22.2``), as Nova stores ``access_ip_v6``; None
    and '' pass unchanged (the API schema has checked the rest)."""
    if not address:
        return address
    return str(ipaddress.IPv6Address(address))
