"""Remote consoles: ``[serial_console]``, ``[vnc]``, ``[consoleauth]`` and
``[DEFAULT] web``, as Nova names them.

The compute host's options (``enabled``, the proxy client address, the
port range) decide which consoles its guests have; the proxy's
(``*proxy_host``/``*proxy_port``) where ``nova-core-serialproxy`` and
``nova-core-novncproxy`` listen; the base URLs what the API answers;
``web`` the noVNC files that ``nova-core-novncproxy`` serves.
"""
from oslo_config import cfg

serial_group = cfg.OptGroup(
    'serial_console', title='Serial console',
    help='Interactive serial consoles of guests, reached through the '
         'serial console websocket proxy.')
vnc_group = cfg.OptGroup(
    'vnc', title='VNC console',
    help='Graphical consoles of guests over VNC, reached through the '
         'noVNC websocket proxy.')
console_group = cfg.OptGroup(
    'console', title='Console proxies',
    help='What the console websocket proxies accept.')
consoleauth_group = cfg.OptGroup(
    'consoleauth', title='Console tokens',
    help='The tokens that console URLs carry.')

serial_opts = [
    cfg.BoolOpt(
        'enabled', default=False,
        help='Give guests an interactive serial console on a TCP port of '
             'the compute host, for POST /servers/{id}/remote-consoles '
             'with protocol "serial".'),
    cfg.StrOpt(
        'port_range', default='10000:20000',
        regex=r'^\d+:\d+$',
        help='The TCP ports (min:max) that guests\' serial consoles use '
             'on the compute host.'),
    cfg.URIOpt(
        'base_url', default='ws://127.0.0.1:6083/',
        help='The URL clients get for a serial console, before its '
             '``?token=``: where nova-core-serialproxy is reached.'),
    cfg.StrOpt(
        'proxyclient_address', default='127.0.0.1',
        help='The address of this compute host on which the serial '
             'consoles listen, and which the proxy connects to.'),
    cfg.HostAddressOpt(
        'serialproxy_host', default='0.0.0.0',
        help='The address nova-core-serialproxy listens on.'),
    cfg.PortOpt(
        'serialproxy_port', default=6083,
        help='The port nova-core-serialproxy listens on (0: any free '
             'port, for tests).'),
]

vnc_opts = [
    cfg.BoolOpt(
        'enabled', default=True,
        help='Give guests a VNC console, for POST '
             '/servers/{id}/remote-consoles with protocol "vnc".'),
    cfg.URIOpt(
        'novncproxy_base_url', default='http://127.0.0.1:6080/vnc_lite.html',
        help='The URL clients get for a noVNC console, before its '
             'token: noVNC\'s page as nova-core-novncproxy serves it '
             '(from ``[DEFAULT] web``). noVNC 1.0 and later name it '
             'vnc_lite.html, as devstack configures Nova; Debian\'s '
             'vnc_auto.html is its full page, vnc.html.'),
    cfg.HostAddressOpt(
        'server_listen', default='127.0.0.1',
        help='The address on which guests\' VNC servers listen.'),
    cfg.HostAddressOpt(
        'server_proxyclient_address', default='127.0.0.1',
        help='The address of this compute host that the noVNC proxy '
             'connects to.'),
    cfg.HostAddressOpt(
        'novncproxy_host', default='0.0.0.0',
        help='The address nova-core-novncproxy listens on.'),
    cfg.PortOpt(
        'novncproxy_port', default=6080,
        help='The port nova-core-novncproxy listens on (0: any free port, '
             'for tests).'),
]

#: As Nova's (``nova/conf/novnc.py``), with Debian's noVNC as the default.
web_opts = [
    cfg.StrOpt(
        'web', default='/usr/share/novnc',
        help='The directory whose files nova-core-novncproxy serves on its '
             'websocket port (as websockify\'s ``--web``): noVNC, i.e. '
             'vnc_lite.html and its core/ and vendor/ scripts. Debian\'s '
             'package ``novnc`` installs it at /usr/share/novnc, npm\'s '
             '``@novnc/novnc`` under node_modules/@novnc/novnc. Missing: '
             'every page is a 404 that says so.'),
]

#: As Nova's (``nova/conf/console.py``).
console_opts = [
    cfg.ListOpt(
        'allowed_origins', default=[],
        help='Host names, besides the one a client connected to (its '
             '``Host`` header), that a browser\'s ``Origin`` header may '
             'name when it opens a console websocket: the proxies refuse '
             'a page of any other site, so that no other site can open a '
             'console in a user\'s browser. A client that sends no '
             '``Origin`` (not a browser) is not checked.'),
]

consoleauth_opts = [
    cfg.IntOpt(
        'token_ttl', default=600, min=1,
        help='Seconds a console token is valid after it was issued. A '
             'token also opens one connection only.'),
]


def register_opts(conf):
    conf.register_group(serial_group)
    conf.register_opts(serial_opts, group=serial_group)
    conf.register_group(vnc_group)
    conf.register_opts(vnc_opts, group=vnc_group)
    conf.register_opts(web_opts)
    conf.register_group(console_group)
    conf.register_opts(console_opts, group=console_group)
    conf.register_group(consoleauth_group)
    conf.register_opts(consoleauth_opts, group=consoleauth_group)


def list_opts():
    return {'DEFAULT': web_opts, serial_group: serial_opts,
            vnc_group: vnc_opts, console_group: console_opts,
            consoleauth_group: consoleauth_opts}
