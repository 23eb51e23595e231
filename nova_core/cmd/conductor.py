"""nova-core-conductor: the database's door for compute nodes; builds."""
import sys

from nova_core import config, rpc
from nova_core.cmd import common
from nova_core.conductor import service as conductor_service
from nova_core.conf import CONF


def main(argv=None):
    config.parse_args(argv or sys.argv)
    common.log_options(CONF)
    rpc.init(CONF)
    common.serve(conductor_service.create_service(CONF),
                 cleanup=[rpc.cleanup])
