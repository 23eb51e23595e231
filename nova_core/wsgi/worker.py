"""gunicorn's threaded worker, made safe against slow and stalled clients.

gunicorn's ``gthread`` worker hands every new connection to a thread at
once, and that thread reads the request head with a blocking socket and no
time limit: 100 clients that send their headers one byte at a time hold
every thread of every worker (measured: ``bench/slow_clients.py``).

:class:`ThreadWorker` keeps gthread's design (one event loop per worker, a
pool of ``threads`` for the app) and changes two things:

* A request head is read in the event loop, without a thread: a thread is
  taken only once the whole head (up to the blank line) is in. A client
  gets ``[wsgi] header_timeout`` seconds from accept (or from its first
  byte on a kept-alive connection) to send it, and the head may not exceed
  ``limit_request_line + limit_request_fields * limit_request_field_size``.
* While a thread serves a request, the socket has a timeout of
  ``[wsgi] client_socket_timeout`` seconds for every read and write: a
  client that stops sending its body, or stops reading its response,
  frees the thread after that long.
* A file response (``wsgi.file_wrapper``, i.e. image downloads) is sent by
  the event loop with non-blocking ``sendfile``, not by the thread: the
  thread sends the headers and is free. A download that makes no progress
  for ``client_socket_timeout`` seconds is closed.

Use it with ``worker_class = 'nova_core.wsgi.worker.ThreadWorker'`` (as
:mod:`nova_core.wsgi.gunicorn_conf` does).
"""
import errno
import functools
import os
import selectors
import threading
import time

from gunicorn.workers import gthread

from nova_core.conf import CONF

_HEAD_END = b'\r\n\r\n'
_RECV = 65536
_SENDFILE = 1024 * 1024
#: handle()'s answer for a connection whose file the event loop now sends.
_OFFLOADED = object()


class _FileOffload:
    """WSGI wrapper: a file response's body is left to the event loop.

    The app's ``wsgi.file_wrapper`` result is kept in a thread-local for
    :meth:`ThreadWorker.handle`, and gunicorn gets an empty body, so the
    thread writes only the status and headers.
    """

    def __init__(self, app):
        self.app = app
        self.pending = threading.local()

    def __call__(self, environ, start_response):
        length = {}

        def recording_start_response(status, headers, exc_info=None):
            length['value'] = next((v for k, v in headers
                                    if k.lower() == 'content-length'), None)
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        wrapper = environ.get('wsgi.file_wrapper')
        if (isinstance(wrapper, type) and isinstance(result, wrapper) and
                length.get('value') and environ['REQUEST_METHOD'] == 'GET'):
            self.pending.file = (result.filelike, int(length['value']))
            return []
        return result

    def take(self):
        found = getattr(self.pending, 'file', None)
        self.pending.file = None
        return found


class ThreadWorker(gthread.ThreadWorker):
    """gthread with request heads read in the event loop (see module)."""

    def run(self):
        # nova-core's options are parsed by now (gunicorn_conf in the
        # master, or the app's load() in post_worker_init).
        self.header_timeout = CONF.wsgi.header_timeout
        self.io_timeout = CONF.wsgi.client_socket_timeout
        self.max_head = (self.cfg.limit_request_line + 4 +
                         self.cfg.limit_request_fields *
                         (self.cfg.limit_request_field_size + 2))
        super().run()

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = self.offload = _FileOffload(self.wsgi)
        self.sending = []

    def accept(self, listener):
        if self.cfg.is_ssl:  # TLS heads cannot be read as plain bytes
            return super().accept(listener)
        try:
            sock, client = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED,
                                 errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, sock, client, listener.getsockname())
        self._await_head(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection starts its next request."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_head(conn)

    def _await_head(self, conn):
        conn.head = bytearray()
        conn.sock.setblocking(False)
        # pending_conns is closed by gthread's murder_pending() when
        # conn.timeout passes; all entries share one timeout, so the deque
        # stays ordered.
        conn.timeout = time.monotonic() + self.header_timeout
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ,
                             functools.partial(self._read_head, conn))

    def _read_head(self, conn, client):
        try:
            data = conn.sock.recv(_RECV)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b''
        conn.head += data
        complete = _HEAD_END in conn.head
        if not data or (not complete and len(conn.head) > self.max_head):
            self._drop_pending(conn, client)
            return
        if complete:
            self.poller.unregister(client)
            self.pending_conns.remove(conn)
            conn.data_ready = True
            self.enqueue_req(conn)

    def _drop_pending(self, conn, client):
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def handle(self, conn):
        head = getattr(conn, 'head', None)
        if head:
            conn.head = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(head))
        result = super().handle(conn)
        file = self.offload.take()
        if file is not None:
            # Even when handle() failed: the event loop's first sendfile
            # then fails too and closes the connection and the file.
            conn.file, conn.remaining = file
            conn.offset = file[0].tell()
            return _OFFLOADED
        return result

    def finish_request(self, conn, fs):
        if fs.cancelled() or fs.exception() or fs.result() is not _OFFLOADED:
            return super().finish_request(conn, fs)
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.io_timeout
        self.sending.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_WRITE,
                             functools.partial(self._send_file, conn))

    def _send_file(self, conn, client):
        try:
            sent = os.sendfile(conn.sock.fileno(), conn.file.fileno(),
                               conn.offset, min(conn.remaining, _SENDFILE))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            sent = 0
        conn.offset += sent
        conn.remaining -= sent
        conn.timeout = time.monotonic() + self.io_timeout
        if not sent or not conn.remaining:
            self._end_send(conn)

    def _end_send(self, conn):
        self.sending.remove(conn)
        self.poller.unregister(conn.sock)
        conn.file.close()
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.sending if c.timeout < now]:
            self._end_send(conn)

    def handle_request(self, req, conn):
        # Reached with the head parsed: from here on the thread waits on
        # this client for client_socket_timeout at most per read or write
        # (gthread set the socket to blocking, without a timeout).
        conn.sock.settimeout(self.io_timeout)
        return super().handle_request(req, conn)
