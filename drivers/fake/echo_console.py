"""The fake driver's guest consoles: one TCP server that echoes.

Every fake guest's serial and VNC console is this one server on
loopback (a port of its own, chosen by the kernel), so that the console
proxies and their tests can round-trip bytes as with a real guest. Each
connection is served by a thread of its own until the client closes.
"""
import socket
import threading


class EchoConsole:
    """Started on first use; :meth:`address` is ``(host, port)``."""

    def __init__(self, host='127.0.0.1'):
        self._host = host
        self._sock = None
        self._lock = threading.Lock()

    def address(self):
        with self._lock:
            if self._sock is None:
                self._sock = socket.create_server((self._host, 0))
                threading.Thread(target=self._accept, daemon=True,
                                 name='fake-console').start()
            return self._sock.getsockname()[:2]

    def _accept(self):
        sock = self._sock
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._echo, args=(conn,),
                             daemon=True).start()

    @staticmethod
    def _echo(conn):
        with conn:
            try:
                while data := conn.recv(65536):
                    conn.sendall(data)
            except OSError:
                pass

    def close(self):
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
