"""The fake guest's screen: a minimal VNC server (RFB 3.8, RFC 6143).

Enough for noVNC and other VNC clients to connect and show it: the
version handshake (3.3, 3.7 or 3.8, as the client answers), security
type None only, ClientInit/ServerInit with a small framebuffer and a
desktop name, and FramebufferUpdates of one Raw rectangle in whatever
true-colour pixel format the client set. Keys, pointer and clipboard are
read (by their lengths) and ignored; the screen never changes, so an
incremental update request is never answered (as a server whose screen
did not change). A message of a type RFB 3.8 does not define for
clients ends the connection, since its length is unknown.
"""
import logging
import struct

LOG = logging.getLogger(__name__)

WIDTH, HEIGHT = 64, 48
NAME = b'nova-core fake guest'
VERSIONS = {b'RFB 003.003\n': 3, b'RFB 003.007\n': 7, b'RFB 003.008\n': 8}
SECURITY_NONE = 1
#: bpp, depth, big-endian, true-colour, red/green/blue max and shift.
PIXEL_FORMAT = struct.Struct('>BBBBHHHBBB3x')
#: 32 bits a pixel, 8 bits a colour, little-endian (as QEMU's default).
SERVER_FORMAT = (32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
#: A client's cut text larger than this ends the connection.
MAX_CUT_TEXT = 1 << 20

# Client-to-server message types.
SET_PIXEL_FORMAT, SET_ENCODINGS, UPDATE_REQUEST = 0, 2, 3
KEY_EVENT, POINTER_EVENT, CLIENT_CUT_TEXT = 4, 5, 6


class ProtocolError(ConnectionError):
    """The client broke RFB, or left."""


def screen():
    """The fake screen, ``HEIGHT`` rows of ``WIDTH`` (r, g, b): colour
    bars above a grey ramp, so that a screenshot shows it drawn."""
    bars = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255))
    rows = []
    for y in range(HEIGHT):
        if y < HEIGHT // 2:
            rows.append([bars[x * len(bars) // WIDTH] for x in range(WIDTH)])
        else:
            rows.append([(x * 255 // (WIDTH - 1),) * 3
                         for x in range(WIDTH)])
    return rows


SCREEN = screen()


def encode(pixels, pixel_format):
    """``pixels`` (r, g, b) as Raw pixel data of ``pixel_format``."""
    bpp, _, big_endian, _, rmax, gmax, bmax, rshift, gshift, bshift = \
        pixel_format
    order = 'big' if big_endian else 'little'
    size = bpp // 8
    out = bytearray()
    for r, g, b in pixels:
        value = ((r * rmax // 255) << rshift | (g * gmax // 255) << gshift |
                 (b * bmax // 255) << bshift)
        out += (value & ((1 << bpp) - 1)).to_bytes(size, order)
    return bytes(out)


class Session:
    """One client's connection (a socket); :meth:`run` serves it."""

    def __init__(self, conn):
        self.conn = conn
        self.pixel_format = SERVER_FORMAT

    def read(self, size):
        data = b''
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            if not chunk:
                raise ProtocolError('client closed')
            data += chunk
        return data

    def run(self):
        if self.handshake():
            while self.message():
                pass

    def handshake(self):
        """Version, security, ClientInit and ServerInit; False if the
        client chose a security type not offered."""
        self.conn.sendall(b'RFB 003.008\n')
        # A client that answers an unknown version gets 3.3 (RFC 6143 7.1.1).
        minor = VERSIONS.get(self.read(12), 3)
        if minor == 3:
            self.conn.sendall(struct.pack('>I', SECURITY_NONE))
        else:
            self.conn.sendall(struct.pack('>BB', 1, SECURITY_NONE))
            chosen = self.read(1)[0]
            if chosen != SECURITY_NONE:
                reason = b'security type None only'
                self.conn.sendall(struct.pack('>I', 1) + (struct.pack(
                    '>I', len(reason)) + reason if minor == 8 else b''))
                return False
            if minor == 8:
                self.conn.sendall(struct.pack('>I', 0))
        self.read(1)  # ClientInit: shared or not, there is one client
        self.conn.sendall(struct.pack('>HH', WIDTH, HEIGHT) +
                          PIXEL_FORMAT.pack(*SERVER_FORMAT) +
                          struct.pack('>I', len(NAME)) + NAME)
        return True

    def message(self):
        """Read and act on one client message; False to hang up."""
        kind = self.read(1)[0]
        if kind == SET_PIXEL_FORMAT:
            return self.set_pixel_format(self.read(3 + PIXEL_FORMAT.size)[3:])
        if kind == SET_ENCODINGS:
            count, = struct.unpack('>xH', self.read(3))
            self.read(4 * count)  # Raw is sent whatever the client prefers
        elif kind == UPDATE_REQUEST:
            incremental, x, y, w, h = struct.unpack('>BHHHH', self.read(9))
            if not incremental:
                self.update(x, y, w, h)
        elif kind == KEY_EVENT:
            self.read(7)
        elif kind == POINTER_EVENT:
            self.read(5)
        elif kind == CLIENT_CUT_TEXT:
            length, = struct.unpack('>3xI', self.read(7))
            if length > MAX_CUT_TEXT:
                LOG.debug('RFB client cut text of %d bytes: hanging up',
                          length)
                return False
            self.read(length)
        else:
            LOG.debug('RFB client message of unknown type %d: hanging up',
                      kind)
            return False
        return True

    def set_pixel_format(self, data):
        pixel_format = PIXEL_FORMAT.unpack(data)
        bpp, true_colour = pixel_format[0], pixel_format[3]
        if bpp not in (8, 16, 32) or not true_colour:
            LOG.debug('RFB pixel format %s not served: hanging up',
                      pixel_format)
            return False
        self.pixel_format = pixel_format
        return True

    def update(self, x, y, w, h):
        """A FramebufferUpdate of the requested area (clipped to the
        screen) as one Raw rectangle."""
        x, y = min(x, WIDTH), min(y, HEIGHT)
        w, h = min(w, WIDTH - x), min(h, HEIGHT - y)
        pixels = [p for row in SCREEN[y:y + h] for p in row[x:x + w]]
        self.conn.sendall(struct.pack('>BxHHHHHi', 0, 1, x, y, w, h, 0) +
                          encode(pixels, self.pixel_format))


def serve(conn):
    """Serve one VNC client on ``conn`` until it leaves."""
    try:
        Session(conn).run()
    except ProtocolError:
        pass
