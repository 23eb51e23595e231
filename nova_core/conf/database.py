"""Options of the database (``[database]``), read by the API and conductor.

Compute nodes never carry this group: nova-core-compute refuses to start
when a connection is set.
"""
from oslo_config import cfg

database_group = cfg.OptGroup('database', title='Database options')

database_opts = [
    cfg.StrOpt(
        'connection', secret=True,
        help='SQLAlchemy URL of the database, e.g. '
             '"mysql+pymysql://nova:secret@db/nova?charset=utf8mb4", '
             '"postgresql+psycopg2://nova:secret@db/nova" or '
             '"sqlite:////var/lib/nova-core/nova-core.sqlite".'),
    cfg.IntOpt(
        'max_pool_size', default=20, min=1,
        help='Connections kept open in the pool. A connection opened '
             'beyond them (see max_overflow) is closed when given back, '
             'and opening one costs far more than a query (PyMySQL '
             'builds a TLS context for each, ~25 ms of CPU): keep this '
             'near the number of transactions a service runs at once '
             '(a conductor under 100 heartbeats a second with 5 opened '
             'a connection for one heartbeat in twelve).'),
    cfg.IntOpt(
        'max_overflow', default=50, min=0,
        help='Connections opened beyond max_pool_size under load.'),
    cfg.IntOpt(
        'pool_timeout', default=30, min=1,
        help='Seconds to wait for a free connection from the pool.'),
    cfg.IntOpt(
        'connection_recycle_time', default=3600, min=1,
        help='Seconds after which a pooled connection is replaced.'),
    cfg.BoolOpt(
        'connection_debug', default=False,
        help='Log every SQL statement.'),
]

#: Retries of a transaction that met a deadlock or a lost connection
#: (oslo.db's names; see nova_core.db.retry).
retry_opts = [
    cfg.IntOpt(
        'db_max_retries', default=5, min=0,
        help='How many times a transaction that failed on a deadlock, a '
             'lock wait timeout, a serialization failure or a lost '
             'connection to the database is tried again before the error '
             'is raised. 0 never retries.'),
    cfg.FloatOpt(
        'db_retry_interval', default=0.1, min=0.0,
        help='Seconds to wait before the first retry of a transaction.'),
    cfg.FloatOpt(
        'db_max_retry_interval', default=2.0, min=0.0,
        help='The longest wait between two retries: the wait doubles '
             'after each retry up to this.'),
]
database_opts += retry_opts


def register_opts(conf):
    conf.register_group(database_group)
    conf.register_opts(database_opts, group=database_group)


def list_opts():
    return {database_group: database_opts}
