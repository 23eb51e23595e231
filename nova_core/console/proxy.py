"""A websocket proxy to guests' consoles, as Nova's serial and noVNC
proxies: a client connects with the token of a console URL; the proxy
spends the token, connects to the console's host and port on the compute
host and relays bytes both ways until either side closes. A token that
is unknown, expired, already used or for another kind of console gets
the connection dropped with nothing relayed, not even a close frame, as
Nova's websockify proxies drop it (and Tempest's test_novnc_bad_token
expects).

The noVNC proxy also answers plain HTTP GETs on its port with the files
of ``[DEFAULT] web`` (noVNC's ``vnc_lite.html`` and its scripts, see
:mod:`nova_core.console.web`), as Nova's websockify-based proxy does: the
page the console URL names and the websocket it opens share one port.

A browser's ``Origin`` must name the host the client connected to (or
one of ``[console] allowed_origins``) with the scheme of the console's
base URL (``http``/``ws`` or ``https``/``wss``), as Nova's proxies check,
so that no other site's page can open a console in a signed-in user's
browser; a connection that fails the check is dropped as a bad token is,
and its token stays unspent.

Before it connects, the proxy asks the instance's compute host where
the guest's console listens now, and connects only if that is still
where the token points, as Nova's proxies validate the console port: a
guest that was restarted, moved or deleted since the token was issued
may have left its port to another guest, whose console the token must
not open.

It reads the database (tokens, the instance), so it runs on controllers,
as Nova's proxies do; compute hosts only need to let it reach their
console ports (``proxyclient_address``).
"""
import logging
import os
import socket
import threading
import time
import urllib.parse

import oslo_messaging as messaging
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response
from websockets.sync import server as ws_server

from nova_core import context as nova_context
from nova_core import exception
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.console import web
from nova_core.db import console_auth_tokens, instances

LOG = logging.getLogger(__name__)

#: Seconds to reach a console on its compute host.
CONNECT_TIMEOUT = 5
#: Seconds to wait for the compute host to say where a console is now.
VALIDATE_TIMEOUT = 10
#: console type -> the protocol its compute host serves it by
PROTOCOLS = {'serial': 'serial', 'novnc': 'vnc'}
CHUNK = 65536

#: kind -> (console types it serves, config group, host and port
#: options, whether it serves the files of ``[DEFAULT] web``, the option
#: of the base URL its console URLs start with)
KINDS = {
    'serial': (('serial',), 'serial_console', 'serialproxy_host',
               'serialproxy_port', False, 'base_url'),
    'novnc': (('novnc',), 'vnc', 'novncproxy_host', 'novncproxy_port',
              True, 'novncproxy_base_url'),
}
#: The Origin schemes a base URL's scheme admits (a serial console's
#: ``ws``/``wss`` is opened from ``http``/``https`` pages).
_SCHEMES = {'http': {'http'}, 'https': {'https'}, 'ws': {'ws', 'http'},
            'wss': {'wss', 'https'}}


def _hostname(host_header):
    """The host name of a ``Host`` header (``[::1]:6080`` -> ``::1``),
    or None."""
    try:
        return urllib.parse.urlsplit('//' + (host_header or '')).hostname
    except ValueError:
        return None


def origin_refusal(headers, allowed, base_url):
    """Why a websocket request's ``Origin`` is refused, or None: it must
    name the host the client asked for (``Host``) or one of ``allowed``,
    with a scheme ``base_url``'s admits (``X-Forwarded-Proto``, set by a
    TLS-terminating proxy in front, stands for the scheme). No
    ``Origin``: not a browser, nothing to check."""
    origin = headers.get('Origin')
    if origin is None:
        return None
    try:
        parts = urllib.parse.urlsplit(origin)
        hostname = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6
        return 'Origin header not valid.'
    scheme = headers.get('X-Forwarded-Proto') or parts.scheme
    if not hostname or not scheme:
        return 'Origin header not valid.'
    if hostname not in set(allowed) | {_hostname(headers.get('Host'))}:
        return 'Origin header does not match this host.'
    expected = _SCHEMES.get(urllib.parse.urlsplit(base_url).scheme, set())
    if scheme.lower() not in expected:
        return 'Origin header protocol does not match this host.'
    return None


def token_of(path):
    """The token in a request path: ``?token=`` or, as noVNC sends it,
    inside the ``path`` parameter (``?path=%3Ftoken%3D...``)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    if 'token' in query:
        return query['token'][0]
    inner = query.get('path', [''])[0]
    return token_of(inner if inner.startswith('?') else '?' +
                    inner.partition('?')[2]) if inner else None


class ConsoleProxy:
    """One proxy (``kind``: serial or novnc) on its configured address;
    ``clock`` says the time tokens are checked against."""

    def __init__(self, conf, kind, clock=time.time):
        (self.types, group, host_opt, port_opt, self.serves_web,
         base_opt) = KINDS[kind]
        self.kind = kind
        self.conf = conf
        self.host = conf[group][host_opt]
        self.port = conf[group][port_opt]
        self.base_url = conf[group][base_opt]
        self.clock = clock
        self._server = None
        self._compute = None

    def start(self):
        """Bind (port 0: any free port, then :attr:`port` says which) and
        serve in a thread of its own."""
        if self.serves_web and not os.path.isdir(self.conf.web):
            LOG.warning('No noVNC at [DEFAULT] web = %s: the %s proxy '
                        'answers its pages with 404 (apt-get install '
                        'novnc)', self.conf.web, self.kind)
        self._server = ws_server.serve(
            self._handle, self.host, self.port,
            process_request=self._process_request,
            select_subprotocol=_binary_if_offered, compression=None)
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name='%s-proxy' % self.kind).start()
        LOG.info('%s console proxy on %s:%s', self.kind, self.host,
                 self.port)

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def _process_request(self, connection, request):
        """A GET without a websocket upgrade: a file of ``[DEFAULT] web``
        (None: go on with the websocket handshake, which refuses such a
        GET of a proxy without pages with 426)."""
        upgrade = request.headers.get('Upgrade', '').lower()
        if not self.serves_web or 'websocket' in upgrade:
            return None
        reply = web.serve(self.conf.web, request.path, request.method)
        return Response(reply.status, reply.reason, Headers(reply.headers),
                        reply.body)

    def _console(self, path):
        """The console the request's token opens, or None (refused)."""
        try:
            console = console_auth_tokens.spend(token_of(path), self.types,
                                                self.clock)
            instance = instances.get(console['instance_uuid'])
        except (exception.InvalidToken, exception.InstanceNotFound) as exc:
            LOG.info('%s console refused: %s', self.kind, exc)
            return None
        moved = self._moved(console, instance)
        if moved is not None:
            LOG.warning('%s console of %s refused: %s', self.kind,
                        console['instance_uuid'], moved)
            return None
        return console

    def _moved(self, console, instance):
        """Why the token's host and port are no longer the guest's
        console, or None: the compute host's word (Nova's
        ``validate_console_port``)."""
        if self._compute is None:
            self._compute = compute_rpcapi.ComputeAPI(
                self.conf, retry=0, timeout=VALIDATE_TIMEOUT)
        if not instance['host']:
            return 'the instance has no host'
        try:
            now = self._compute.get_remote_console(
                nova_context.get_admin_context(), instance,
                PROTOCOLS[console['console_type']], console['console_type'])
        except (exception.NovaCoreException,
                messaging.MessagingException) as exc:
            return 'its compute host did not confirm the console: %s' % (
                exc.__class__.__name__)
        if (now.get('host'), now.get('port')) != (console['host'],
                                                  console['port']):
            return 'the console is no longer at %s:%s' % (console['host'],
                                                          console['port'])
        return None

    def _handle(self, websocket):
        refusal = origin_refusal(websocket.request.headers,
                                 self.conf.console.allowed_origins,
                                 self.base_url)
        if refusal is not None:
            LOG.warning('%s console refused: %s (Origin %s)', self.kind,
                        refusal, websocket.request.headers.get('Origin'))
            _shut(websocket.socket)
            return
        console = self._console(websocket.request.path)
        if console is None:
            _shut(websocket.socket)
            return
        try:
            target = socket.create_connection(
                (console['host'], console['port']), CONNECT_TIMEOUT)
        except OSError as exc:
            LOG.warning('Console of %s unreachable at %s:%s: %s',
                        console['instance_uuid'], console['host'],
                        console['port'], exc)
            websocket.close(1011, 'console unreachable')
            return
        target.settimeout(None)
        with target:
            threading.Thread(target=_to_client, args=(target, websocket),
                             daemon=True).start()
            _to_console(websocket, target)


def _binary_if_offered(connection, subprotocols):
    """noVNC and websockify clients ask for ``binary``; others may ask
    for nothing, and get bytes all the same."""
    return 'binary' if 'binary' in subprotocols else None


def _to_console(websocket, target):
    """Client messages to the console until either side closes."""
    try:
        for message in websocket:
            if isinstance(message, str):
                message = message.encode('utf-8')
            target.sendall(message)
    except (ConnectionClosed, OSError):
        pass
    finally:
        _shut(target)


def _to_client(target, websocket):
    """Console bytes to the client, as binary messages."""
    try:
        while data := target.recv(CHUNK):
            websocket.send(data)
    except (ConnectionClosed, OSError):
        pass
    finally:
        websocket.close()
        _shut(target)


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
