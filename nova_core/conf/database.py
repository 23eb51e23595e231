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
        'max_pool_size', default=5, min=1,
        help='Connections kept open in the pool.'),
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


def register_opts(conf):
    conf.register_group(database_group)
    conf.register_opts(database_opts, group=database_group)


def list_opts():
    return {database_group: database_opts}
