"""Options of the conductor service (``[conductor]``)."""
from oslo_config import cfg

conductor_group = cfg.OptGroup('conductor', title='Conductor options')

conductor_opts = [
    cfg.StrOpt(
        'topic', default='conductor',
        help='RPC topic the conductors listen on. Every conductor of a cloud '
             'shares it, so adding conductors spreads the work.'),
    cfg.IntOpt(
        'periodic_interval', default=60, min=1,
        help='Seconds between two runs of the conductor\'s periodic checks '
             '(builds that took too long).'),
]


def register_opts(conf):
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)


def list_opts():
    return {conductor_group: conductor_opts}
