"""Options of host selection (``[filter_scheduler]``), used by conductors."""
from oslo_config import cfg

filter_group = cfg.OptGroup('filter_scheduler', title='Scheduler options')

scheduler_opts = [
    cfg.ListOpt(
        'enabled_filters',
        default=['ComputeFilter', 'AvailabilityZoneFilter', 'RamFilter',
                 'CoreFilter', 'DiskFilter', 'SameHostFilter',
                 'DifferentHostFilter'],
        help='Filters a host must pass to receive an instance, in order. '
             'Known: ComputeFilter, AvailabilityZoneFilter, RamFilter, '
             'CoreFilter, DiskFilter, SameHostFilter and DifferentHostFilter '
             '(the scheduler hints same_host and different_host). Server '
             'group policies and a requested host are always honoured.'),
    cfg.FloatOpt(
        'ram_weight_multiplier', default=1.0,
        help='Weight of free RAM when ranking hosts: positive spreads '
             'instances over hosts, negative packs them.'),
    cfg.IntOpt(
        'host_subset_size', default=1, min=1,
        help='Pick at random among this many best hosts, so that concurrent '
             'conductors contend less for the same host.'),
]


def register_opts(conf):
    conf.register_group(filter_group)
    conf.register_opts(scheduler_opts, group=filter_group)


def list_opts():
    return {filter_group: scheduler_opts}
