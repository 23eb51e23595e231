"""nova-core-manage: the operator's tool (schema, starter data)."""
import sys

from oslo_config import cfg

from nova_core import bootstrap, config, exception
from nova_core.conf import CONF
from nova_core.db import migration


def _db_sync():
    migration.db_sync(CONF.command.version or 'head')
    print('Database schema at %s' % migration.db_version())


def _db_version():
    print(migration.db_version() or 'empty')


def _flavor_seed():
    created = bootstrap.seed_flavors()
    print('Created flavors: %s' % (', '.join(created) or 'none (all exist)'))


COMMANDS = {
    ('db', 'sync'): _db_sync,
    ('db', 'version'): _db_version,
    ('flavor', 'seed'): _flavor_seed,
}


def _add_parsers(subparsers):
    db = subparsers.add_parser('db', help='Database schema').add_subparsers(
        dest='action', required=True)
    sync = db.add_parser('sync', help='Create or upgrade the schema.')
    sync.add_argument('version', nargs='?', help='Revision (default: newest)')
    db.add_parser('version', help='Show the schema revision.')
    flavor = subparsers.add_parser('flavor', help='Flavors').add_subparsers(
        dest='action', required=True)
    flavor.add_parser('seed', help='Create the m1.tiny ... m1.xlarge '
                                   'flavors that are missing.')


def main(argv=None):
    CONF.register_cli_opt(cfg.SubCommandOpt(
        'command', title='Commands', handler=_add_parsers))
    config.register_log_opts()
    CONF.set_default('use_stderr', True)  # stdout is for the answers
    config.parse_args(argv or sys.argv)
    try:
        COMMANDS[(CONF.command.name, CONF.command.action)]()
    except exception.NovaCoreException as exc:
        sys.exit('nova-core-manage: %s' % exc.format_message())
