"""nova-core-serialproxy and nova-core-novncproxy: the websocket proxies
to guests' consoles (see :mod:`nova_core.console.proxy`). They read the
database and ask compute hosts over RPC where a console is, so they run
on controllers, beside nova-core-api."""
import sys

from nova_core import config, rpc
from nova_core.cmd import common
from nova_core.conf import CONF
from nova_core.console import proxy


def _main(kind, argv):
    config.parse_args(argv or sys.argv)
    common.log_options(CONF)
    rpc.init(CONF)
    common.serve(proxy.ConsoleProxy(CONF, kind), cleanup=(rpc.cleanup,))


def serial_main(argv=None):
    _main('serial', argv)


def novnc_main(argv=None):
    _main('novnc', argv)
