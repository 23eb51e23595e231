"""The fake driver's guest consoles: TCP servers on loopback.

Every fake guest's serial console is one server that echoes (so that
the console proxies and their tests can round-trip bytes as with a real
guest), and every fake guest's VNC console one that speaks RFB (see
:mod:`nova_core_drivers.fake.rfb`), so that noVNC and other VNC clients
work. Each server has a port of its own, chosen by the kernel, and
serves each connection in a thread of its own until the client closes.
"""
import socket
import threading


class ConsoleServer:
    """Started on first use; :meth:`address` is ``(host, port)``;
    ``handler(conn)`` serves one connection (closed after it)."""

    def __init__(self, handler, host='127.0.0.1', name='fake-console'):
        self._handler = handler
        self._host = host
        self._name = name
        self._sock = None
        self._lock = threading.Lock()

    def address(self):
        with self._lock:
            if self._sock is None:
                self._sock = socket.create_server((self._host, 0))
                threading.Thread(target=self._accept, daemon=True,
                                 name=self._name).start()
            return self._sock.getsockname()[:2]

    def _accept(self):
        sock = self._sock
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,),
                             daemon=True).start()

    def _serve(self, conn):
        with conn:
            try:
                self._handler(conn)
            except OSError:
                pass

    def close(self):
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


def echo(conn):
    """Send back whatever arrives, until the client closes."""
    while data := conn.recv(65536):
        conn.sendall(data)
