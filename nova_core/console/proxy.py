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

from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response
from websockets.sync import server as ws_server

from nova_core import exception
from nova_core.console import web
from nova_core.db import console_auth_tokens, instances

LOG = logging.getLogger(__name__)

#: Seconds to reach a console on its compute host.
CONNECT_TIMEOUT = 5
CHUNK = 65536

#: kind -> (console types it serves, config group, host and port
#: options, whether it serves the files of ``[DEFAULT] web``)
KINDS = {
    'serial': (('serial',), 'serial_console', 'serialproxy_host',
               'serialproxy_port', False),
    'novnc': (('novnc',), 'vnc', 'novncproxy_host', 'novncproxy_port',
              True),
}


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
        self.types, group, host_opt, port_opt, self.serves_web = KINDS[kind]
        self.kind = kind
        self.conf = conf
        self.host = conf[group][host_opt]
        self.port = conf[group][port_opt]
        self.clock = clock
        self._server = None

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
            instances.get(console['instance_uuid'])
        except (exception.InvalidToken, exception.InstanceNotFound) as exc:
            LOG.info('%s console refused: %s', self.kind, exc)
            return None
        return console

    def _handle(self, websocket):
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
