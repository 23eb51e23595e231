"""nova-core-compute: drives this node's hypervisor. No database, ever."""
import sys

from nova_core import db_guard

db_guard.forbid_db_access()

from nova_core import config, exception, rpc  # noqa: E402
from nova_core.cmd import common  # noqa: E402
from nova_core.compute import service as compute_service  # noqa: E402
from nova_core.conf import CONF  # noqa: E402


def check_no_database(conf):
    """Refuse a configuration that carries database settings.

    :raises: SystemExit naming the file to fix.
    """
    if conf.database.connection:
        sys.exit(
            'nova-core-compute: refusing to start: the configuration sets '
            '[database] connection (files: %s). Compute nodes must not hold '
            'database credentials; they reach the database only through '
            'nova-core-conductor. Remove the [database] section from this '
            "node's configuration." % ', '.join(conf.config_file or
                                                ['command line']))


def main(argv=None):
    config.parse_args(argv or sys.argv)
    common.log_options(CONF)
    check_no_database(CONF)
    rpc.init(CONF)
    try:
        svc = compute_service.create_service(CONF)
    except exception.DriverLoadError as exc:
        sys.exit('nova-core-compute: %s' % exc.format_message())
    common.serve(svc, cleanup=[rpc.cleanup])


if __name__ == '__main__':
    main()
