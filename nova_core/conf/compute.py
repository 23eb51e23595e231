"""Options of the compute service (``[compute]``)."""
from oslo_config import cfg

compute_group = cfg.OptGroup('compute', title='Compute service options')

compute_opts = [
    cfg.IntOpt(
        'resource_report_interval', default=60, min=1,
        help='Seconds between two reports of the hypervisor\'s resources '
             'to the conductor.'),
    cfg.IntOpt(
        'graceful_shutdown_timeout', default=60, min=0,
        help='Seconds a guest is given to power off cleanly before it is '
             'destroyed.'),
]


def register_opts(conf):
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)


def list_opts():
    return {compute_group: compute_opts}
