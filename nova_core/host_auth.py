"""Who is calling the conductor: per-host keys and signed RPC calls.

A compute node runs tenants' guests, so the conductor believes nothing a
compute node says about itself. Every call to a conductor carries one more
argument, ``caller_auth``: the caller's role and host, a timestamp, a
random nonce and an HMAC-SHA256 over those, the method name, the request
id and a canonical JSON of the arguments. The keys::

    master secret                     held by controllers only
    ├── host key of compute "h1"  = HMAC-SHA256(master, "nova-core-host:h1")
    │                                 held by h1 only ([compute] host_key)
    └── controller key            = HMAC-SHA256(master, "nova-core-controller")

A compute node holds its own host key and nothing else, so it can sign as
itself and as no other host; the conductor derives every key from the
master secret and needs no list of hosts. The API and the conductors sign
as the controller.

:class:`Verifier` refuses a call that is unsigned, signed with the wrong
key, outside the time window or replayed (a nonce seen before); what a
verified caller may then do is :mod:`nova_core.conductor.authz`'s concern.
"""
import collections
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
import urllib.parse

from nova_core import exception, rpc

LOG = logging.getLogger(__name__)

#: The extra keyword argument that carries the signature.
ARG = 'caller_auth'
VERSION = 1
COMPUTE, CONTROLLER = 'compute', 'controller'
#: Transports whose every service is in one process: there one generated
#: master secret serves all (nova-core-all, functional tests).
IN_PROCESS_TRANSPORTS = ('local', 'fake')

Caller = collections.namedtuple('Caller', 'role host')


def derive_host_key(master_secret, host):
    """The key of compute ``host`` (hex), as the playbooks derive it."""
    return hmac.new(master_secret.encode(), b'nova-core-host:' +
                    host.encode(), hashlib.sha256).hexdigest()


def derive_controller_key(master_secret):
    return hmac.new(master_secret.encode(), b'nova-core-controller',
                    hashlib.sha256).hexdigest()


def canonical(value):
    """``value`` as the one JSON text both ends compute (sorted keys, no
    spaces), after the same conversion the RPC serializer applies.

    JSON's own types go straight to the C encoder; only what it cannot
    encode (datetimes, sets, ...) goes through ``rpc.to_primitive``, which
    gives the same text as converting the whole value first at a fraction
    of the cost (every call is signed and verified).
    """
    return json.dumps(value, sort_keys=True, separators=(',', ':'),
                      default=rpc.to_primitive)


def _mac(key, auth, method, request_id, args):
    text = canonical([auth['v'], auth['role'], auth['host'], auth['ts'],
                      auth['nonce'], method, request_id, args])
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


# --- secrets from the configuration ----------------------------------------

def _read(path):
    with open(path, encoding='utf-8') as f:
        return f.read().strip()


def _in_process(conf):
    scheme = urllib.parse.urlsplit(conf.transport_url or '').scheme
    return scheme.split('+')[0] in IN_PROCESS_TRANSPORTS


def _generate(path):
    """Write a new master secret readable by this user alone, unless
    another thread or process did first."""
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, 'w') as f:
        f.write(secrets.token_hex(32) + '\n')
    LOG.info('Generated the conductor master secret %s', path)
    return _read(path)


_GENERATE_LOCK = threading.Lock()


def master_secret(conf):
    """The master secret: ``[conductor] host_key_secret``, or the file
    ``host_key_secret_file``. With an in-process transport a missing file
    is created (mode 0600); elsewhere it is a configuration error.

    :raises: HostKeyMissing.
    """
    opts = conf.conductor
    if opts.host_key_secret:
        return opts.host_key_secret
    path = opts.host_key_secret_file
    if path and os.path.exists(path):
        return _read(path)
    if path and _in_process(conf):
        with _GENERATE_LOCK:
            return _generate(path)
    raise exception.HostKeyMissing(
        what='the conductor master secret', options='[conductor] '
        'host_key_secret or host_key_secret_file (%s)' % path)


def host_key(conf):
    """This compute host's key: ``[compute] host_key``, the file
    ``host_key_file``, or derived from the master secret where this
    process holds it (nova-core-all, tests).

    :raises: HostKeyMissing.
    """
    opts = conf.compute
    if opts.host_key:
        return opts.host_key
    if opts.host_key_file and os.path.exists(opts.host_key_file):
        return _read(opts.host_key_file)
    try:
        return derive_host_key(master_secret(conf), conf.host)
    except exception.HostKeyMissing:
        raise exception.HostKeyMissing(
            what='the key of compute host %s' % conf.host,
            options='[compute] host_key or host_key_file') from None


# --- signing (client side) -------------------------------------------------

class Signer:
    """Signs calls as one caller; the key is read at the first call."""

    def __init__(self, role, host, key_source):
        self.caller = Caller(role, host)
        self._key_source = key_source
        self._key = None

    @classmethod
    def for_compute(cls, conf):
        return cls(COMPUTE, conf.host, lambda: host_key(conf))

    @classmethod
    def for_controller(cls, conf):
        return cls(CONTROLLER, conf.host,
                   lambda: derive_controller_key(master_secret(conf)))

    def sign(self, ctxt, method, kwargs):
        if self._key is None:
            self._key = self._key_source()
        auth = {'v': VERSION, 'role': self.caller.role,
                'host': self.caller.host, 'ts': int(time.time()),
                'nonce': secrets.token_hex(16)}
        auth['sig'] = _mac(self._key, auth, method,
                           getattr(ctxt, 'request_id', None), kwargs)
        return auth


class SigningClient:
    """An oslo.messaging RPC client whose calls and casts are signed."""

    def __init__(self, client, signer):
        self._client = client
        self._signer = signer

    def prepare(self, **kwargs):
        return SigningClient(self._client.prepare(**kwargs), self._signer)

    def can_send_version(self, version):
        return self._client.can_send_version(version)

    def call(self, ctxt, method, **kwargs):
        return self._client.call(ctxt, method, **self._signed(
            ctxt, method, kwargs))

    def cast(self, ctxt, method, **kwargs):
        self._client.cast(ctxt, method, **self._signed(ctxt, method, kwargs))

    def _signed(self, ctxt, method, kwargs):
        return dict(kwargs, **{ARG: self._signer.sign(ctxt, method, kwargs)})


# --- verifying (conductor side) --------------------------------------------

class NonceCache:
    """Nonces seen within the window, at most ``size`` of them.

    When full, the oldest is forgotten and every call signed at or before
    its time is refused from then on: a replay is never accepted, at the
    price of refusing late messages under a flood.
    """

    def __init__(self, window, size):
        self.window = window
        self.size = size
        self._seen = collections.OrderedDict()
        self._floor = 0
        self._lock = threading.Lock()

    def add(self, nonce, ts, now):
        """True if ``nonce`` is new (and now remembered)."""
        with self._lock:
            while self._seen:
                oldest, oldest_ts = next(iter(self._seen.items()))
                if (oldest_ts >= now - self.window and
                        len(self._seen) < self.size):
                    break
                del self._seen[oldest]
                if oldest_ts >= now - self.window:
                    self._floor = max(self._floor, oldest_ts)
            if nonce in self._seen or ts <= self._floor:
                return False
            self._seen[nonce] = ts
            return True


class Verifier:
    """Checks ``caller_auth`` against keys derived from the master secret."""

    def __init__(self, master, window=300, cache_size=100000):
        self._master = master
        self._window = window
        self._nonces = NonceCache(2 * window, cache_size)
        self._host_keys = {}

    @classmethod
    def from_conf(cls, conf):
        opts = conf.conductor
        return cls(master_secret(conf), opts.signature_window,
                   opts.nonce_cache_size)

    def _key(self, caller):
        if caller.role == CONTROLLER:
            return derive_controller_key(self._master)
        key = self._host_keys.get(caller.host)
        if key is None:
            key = self._host_keys[caller.host] = derive_host_key(
                self._master, caller.host)
        return key

    def verify(self, ctxt, method, kwargs, auth):
        """The verified :class:`Caller` of ``method``.

        :raises: CallerNotVerified.
        """
        def refuse(reason):
            raise exception.CallerNotVerified(
                method=method, host=claimed, reason=reason)
        claimed = auth.get('host') if isinstance(auth, dict) else None
        if not isinstance(auth, dict):
            refuse('the call is not signed')
        try:
            caller = Caller(auth['role'], auth['host'])
            ts, sig = auth['ts'], auth['sig']
            if auth['v'] != VERSION or caller.role not in (COMPUTE,
                                                           CONTROLLER):
                refuse('unknown signature version or role')
            if not (isinstance(caller.host, str) and caller.host and
                    isinstance(sig, str) and isinstance(ts, int) and
                    isinstance(auth['nonce'], str)):
                refuse('malformed signature')
            expected = _mac(self._key(caller), auth, method,
                            getattr(ctxt, 'request_id', None), kwargs)
        except KeyError as missing:
            refuse('the signature lacks %s' % missing)
        if not hmac.compare_digest(expected, sig):
            refuse('bad signature')
        now = time.time()
        if abs(now - ts) > self._window:
            refuse('signed %d s away from the conductor\'s clock (window '
                   '%d s)' % (now - ts, self._window))
        if not self._nonces.add(auth['nonce'], ts, now):
            refuse('replayed message')
        return caller
