"""The files a console proxy serves on its websocket port: noVNC's page
and its scripts, from ``[DEFAULT] web``, as websockify's ``--web`` and
Nova's novncproxy do.

Only regular files under the directory are served (symbolic links
followed, but never out of it); a directory is a 404 rather than a
listing, as in Nova. A directory that is not there is a 404 that says
what to install.
"""
import html
import mimetypes
import os
import posixpath
import urllib.parse

#: Types browsers insist on (module scripts) or that mimetypes may lack.
TYPES = {'.js': 'text/javascript', '.mjs': 'text/javascript',
         '.json': 'application/json', '.svg': 'image/svg+xml',
         '.oga': 'audio/ogg', '.woff': 'font/woff', '.ttf': 'font/ttf'}

PAGE = ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<title>%(title)s</title></head>\n<body>\n<h1>%(title)s</h1>\n'
        '<p>%(text)s</p>\n</body>\n</html>\n')


class Reply:
    """An HTTP answer: ``status``, ``reason``, ``headers`` (a list of
    pairs) and ``body`` (bytes)."""

    def __init__(self, status, reason, body, content_type):
        self.status, self.reason, self.body = status, reason, body
        self.headers = [('Content-Type', content_type),
                        ('Content-Length', str(len(body))),
                        ('X-Content-Type-Options', 'nosniff'),
                        ('Cache-Control', 'no-cache'),
                        ('Connection', 'close')]

    def without_body(self):
        """As the answer to a HEAD: the headers of the GET only."""
        self.body = b''
        return self


def error(status, reason, text):
    body = PAGE % {'title': '%d %s' % (status, reason),
                   'text': html.escape(text)}
    return Reply(status, reason, body.encode('utf-8'),
                 'text/html; charset=utf-8')


def not_found(text='No such file.'):
    return error(404, 'Not Found', text)


def missing_root(root):
    return not_found(
        'noVNC is not installed: the console proxy serves its pages from '
        '[DEFAULT] web = %s, which is not a directory. Install Debian\'s '
        'package novnc (apt-get install novnc: /usr/share/novnc) or npm\'s '
        '@novnc/novnc and point [DEFAULT] web at it.' % root)


def content_type(path):
    ext = os.path.splitext(path)[1].lower()
    if ext in TYPES:
        return TYPES[ext]
    guessed, _ = mimetypes.guess_type(path)
    if guessed and guessed.startswith('text/'):
        return guessed + '; charset=utf-8'
    return guessed or 'application/octet-stream'


def resolve(root, url_path):
    """The file of ``url_path`` (query left out) under ``root``, or None:
    nothing there, a directory, or outside ``root``."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path)
    if '\x00' in path:
        return None
    relative = posixpath.normpath('/' + path).lstrip('/')
    if not relative or relative == '.':
        return None
    base = os.path.realpath(root)
    full = os.path.realpath(os.path.join(base, *relative.split('/')))
    if os.path.commonpath([base, full]) != base or not os.path.isfile(full):
        return None
    return full


def serve(root, url_path, method='GET'):
    """The :class:`Reply` to a GET (or HEAD) of ``url_path``; other
    methods are 405."""
    if method == 'HEAD':
        return serve(root, url_path).without_body()
    if method != 'GET':
        reply = error(405, 'Method Not Allowed',
                      'Only GET and HEAD are served here.')
        reply.headers.append(('Allow', 'GET, HEAD'))
        return reply
    if not os.path.isdir(root):
        return missing_root(root)
    full = resolve(root, url_path)
    if full is None:
        return not_found()
    try:
        with open(full, 'rb') as f:
            body = f.read()
    except OSError:
        return not_found()
    return Reply(200, 'OK', body, content_type(full))
