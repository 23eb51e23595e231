"""nova-core-api: the OpenStack Compute API v2.1 over HTTP."""
import sys
import threading

from nova_core import config, rpc
from nova_core.api import app as api_app
from nova_core.api import wsgi
from nova_core.cmd import common
from nova_core.conf import CONF


def main(argv=None):
    config.parse_args(argv or sys.argv)
    common.log_options(CONF)
    stopping = common.catch_signals()
    rpc.init(CONF)
    server = wsgi.make_server(api_app.create_app(CONF), CONF)
    thread = threading.Thread(target=server.run, name='wsgi', daemon=True)
    thread.start()
    try:
        common.wait_for_signal(stopping)
    finally:
        server.close()
        rpc.cleanup()
