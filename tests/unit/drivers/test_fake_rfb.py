"""The fake guest's VNC server (RFB), served on one end of a socket pair
and driven by hand from the other, as a VNC client would."""
import socket
import struct
import threading

import pytest

from nova_core_drivers.fake import rfb
from nova_core_drivers.fake.console_server import ConsoleServer, echo

#: 16 bits a pixel, 5-6-5, big-endian.
RGB565_BE = (16, 16, 1, 1, 31, 63, 31, 11, 5, 0)


class Client:
    def __init__(self):
        self.sock, server_end = socket.socketpair()
        self.sock.settimeout(5)
        self.thread = threading.Thread(target=self._serve,
                                       args=(server_end,), daemon=True)
        self.thread.start()

    @staticmethod
    def _serve(conn):
        with conn:
            rfb.serve(conn)

    def read(self, size):
        data = b''
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            assert chunk, 'server hung up after %r' % data
            data += chunk
        return data

    def send(self, data):
        self.sock.sendall(data)

    def hung_up(self):
        """True if the server ends the session (and sent nothing more)."""
        self.thread.join(5)
        return not self.thread.is_alive() and self.sock.recv(1) == b''

    def init(self, version=b'RFB 003.008\n'):
        assert self.read(12) == b'RFB 003.008\n'
        self.send(version)
        if version not in (b'RFB 003.007\n', b'RFB 003.008\n'):  # 3.3
            assert self.read(4) == struct.pack('>I', 1)
        else:
            assert self.read(2) == b'\x01\x01'
            self.send(b'\x01')
            if version == b'RFB 003.008\n':
                assert self.read(4) == b'\0\0\0\0'
        self.send(b'\x00')
        head = self.read(24)
        name = self.read(struct.unpack('>I', head[20:])[0])
        return head, name

    def update(self, x, y, w, h, bytes_per_pixel=4):
        self.send(struct.pack('>BBHHHH', 3, 0, x, y, w, h))
        header = struct.unpack('>BxHHHHHi', self.read(16))
        return header, self.read(header[4] * header[5] * bytes_per_pixel)


@pytest.fixture
def client():
    c = Client()
    yield c
    c.sock.close()


@pytest.mark.parametrize('version', [b'RFB 003.008\n', b'RFB 003.007\n',
                                     b'RFB 003.003\n', b'RFB 003.889\n'])
def test_handshake_and_server_init(client, version):
    head, name = client.init(version)
    width, height = struct.unpack('>HH', head[:4])
    assert (width, height) == (64, 48)
    assert rfb.PIXEL_FORMAT.unpack(head[4:20]) == rfb.SERVER_FORMAT
    assert name == b'nova-core fake guest'


def test_only_security_none(client):
    client.read(12)
    client.send(b'RFB 003.008\n')
    assert client.read(2) == b'\x01\x01'
    client.send(b'\x02')  # VNC authentication: not offered
    assert client.read(4) == struct.pack('>I', 1)
    length, = struct.unpack('>I', client.read(4))
    assert client.read(length) == b'security type None only'
    assert client.hung_up()


def test_raw_update_in_the_server_format(client):
    client.init()
    header, pixels = client.update(0, 0, 64, 48)
    assert header == (0, 1, 0, 0, 64, 48, 0)
    # Little-endian 0x00RRGGBB: blue, green, red, padding.
    assert pixels[:4] == b'\x00\x00\xff\x00'  # red
    assert pixels[63 * 4:64 * 4] == b'\xff\xff\xff\x00'  # white


def test_every_client_message_read_by_its_length(client):
    client.init()
    client.send(b'\0\0\0\0' + rfb.PIXEL_FORMAT.pack(*RGB565_BE))
    client.send(struct.pack('>BxH4i', 2, 4, 0, 1, 7, -223))  # SetEncodings
    client.send(struct.pack('>BBxxI', 4, 1, 0xff0d))  # KeyEvent: Return
    client.send(struct.pack('>BBHH', 5, 1, 3, 4))  # PointerEvent
    client.send(struct.pack('>B3xI', 6, 3) + b'abc')  # ClientCutText
    client.send(struct.pack('>BBHHHH', 3, 1, 0, 0, 64, 48))  # incremental
    header, pixels = client.update(62, 0, 2, 1, bytes_per_pixel=2)
    assert header == (0, 1, 62, 0, 2, 1, 0)
    assert pixels == b'\xff\xff\xff\xff'  # white in 5-6-5


def test_update_clipped_to_the_screen(client):
    client.init()
    header, pixels = client.update(60, 44, 100, 100)
    assert header[2:6] == (60, 44, 4, 4) and len(pixels) == 4 * 4 * 4
    header, pixels = client.update(500, 500, 10, 10)
    assert header[4:6] == (0, 0) and pixels == b''


@pytest.mark.parametrize('message', [
    b'\x07',  # no such client message in RFB 3.8
    struct.pack('>B3xI', 6, rfb.MAX_CUT_TEXT + 1),
    b'\0\0\0\0' + rfb.PIXEL_FORMAT.pack(24, 24, 0, 1, 255, 255, 255,
                                        16, 8, 0),
    b'\0\0\0\0' + rfb.PIXEL_FORMAT.pack(8, 8, 0, 0, 0, 0, 0, 0, 0, 0),
], ids=['unknown-type', 'huge-cut-text', '24-bpp', 'colour-map'])
def test_hangs_up_on_what_it_cannot_serve(client, message):
    client.init()
    client.send(message)
    assert client.hung_up()


def test_hangs_up_when_the_client_leaves_mid_message():
    c = Client()
    c.init()
    c.send(b'\x04\x01')  # KeyEvent, cut short
    c.sock.shutdown(socket.SHUT_WR)
    assert c.hung_up()
    c.sock.close()


@pytest.mark.parametrize('pixel_format,rgb,expected', [
    (rfb.SERVER_FORMAT, (255, 0, 0), b'\x00\x00\xff\x00'),
    ((32, 24, 1, 1, 255, 255, 255, 16, 8, 0), (1, 2, 3), b'\0\x01\x02\x03'),
    (RGB565_BE, (0, 255, 0), b'\x07\xe0'),
    ((8, 8, 0, 1, 7, 7, 3, 0, 3, 6), (255, 255, 255), b'\xff'),
])
def test_encode(pixel_format, rgb, expected):
    assert rfb.encode([rgb], pixel_format) == expected


def test_console_servers_are_apart():
    """The serial console echoes; the VNC console speaks RFB first."""
    serial, vnc = ConsoleServer(echo), ConsoleServer(rfb.serve)
    try:
        assert serial.address() != vnc.address()
        with socket.create_connection(serial.address(), 5) as conn:
            conn.sendall(b'ping')
            assert conn.recv(4) == b'ping'
        with socket.create_connection(vnc.address(), 5) as conn:
            assert conn.recv(12) == b'RFB 003.008\n'
    finally:
        serial.close()
        vnc.close()
