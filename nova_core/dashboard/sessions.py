"""Server-side sessions: the token never leaves the server.

The browser holds only a random session id, in an HttpOnly,
SameSite=Strict cookie. Each session carries its CSRF token (checked on
every state-changing request) and the one-time nonces of the forms it has
already sent, so that a double-clicked button acts once.
"""
import collections
import hmac
import secrets
import threading
import time

COOKIE = 'nova_core_dashboard'
#: How long rows keep polling after an action was sent, in seconds.
WATCH_SECONDS = 20
#: How many used form nonces a session remembers.
_NONCES_KEPT = 256


class Session:
    """One signed-in user: their token and what the dashboard knows of
    them (user, project, roles), and their CSRF token."""

    def __init__(self, identity, now):
        self.id = secrets.token_urlsafe(32)
        self.csrf = secrets.token_urlsafe(32)
        self.identity = identity
        self.touched = now
        self.flashes = []
        #: (name, private key) of a key pair just created, until the user
        #: downloads it (once).
        self.private_key = None
        #: server id -> until when its rows poll after an action of ours
        #: (some, like confirmResize, change no state the API shows at
        #: once).
        self._watched = {}
        self._nonces = collections.OrderedDict()
        self._lock = threading.Lock()

    def check_csrf(self, value):
        """Whether ``value`` is this session's CSRF token (constant time)."""
        return bool(value) and hmac.compare_digest(str(value), self.csrf)

    def first_use(self, nonce):
        """True the first time a form nonce is seen, False on repeats."""
        if not nonce:
            return True
        with self._lock:
            if nonce in self._nonces:
                return False
            self._nonces[nonce] = True
            while len(self._nonces) > _NONCES_KEPT:
                self._nonces.popitem(last=False)
        return True

    def watch(self, server_id, seconds=WATCH_SECONDS, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            self._watched = {k: v for k, v in self._watched.items()
                             if v > now}
            self._watched[server_id] = now + seconds

    def watched(self, server_id, now=None):
        now = time.monotonic() if now is None else now
        return self._watched.get(server_id, 0) > now

    def flash(self, category, message):
        self.flashes.append((category, message))

    def pop_flashes(self):
        flashes, self.flashes = self.flashes, []
        return flashes


class SessionStore:
    """Sessions in this process's memory, expiring after ``timeout``
    seconds without use."""

    def __init__(self, timeout, clock=time.monotonic):
        self.timeout, self.clock = timeout, clock
        self._sessions = {}
        self._lock = threading.Lock()

    def create(self, identity):
        session = Session(identity, self.clock())
        with self._lock:
            self._expire()
            self._sessions[session.id] = session
        return session

    def get(self, session_id):
        """The live session of ``session_id``, or None."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.touched > self.timeout:
                del self._sessions[session_id]
                return None
            session.touched = now
            return session

    def delete(self, session_id):
        with self._lock:
            return self._sessions.pop(session_id, None)

    def _expire(self):
        now = self.clock()
        for key in [k for k, s in self._sessions.items()
                    if now - s.touched > self.timeout]:
            del self._sessions[key]

    def __len__(self):
        return len(self._sessions)
