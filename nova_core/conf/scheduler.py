"""Options of host selection (``[filter_scheduler]``) and of build retries
(``[scheduler]``), used by conductors."""
from oslo_config import cfg

filter_group = cfg.OptGroup('filter_scheduler', title='Scheduler options')
scheduler_group = cfg.OptGroup('scheduler', title='Build retry options')

scheduler_opts = [
    cfg.ListOpt(
        'enabled_filters',
        default=['ComputeFilter', 'AvailabilityZoneFilter', 'RamFilter',
                 'CoreFilter', 'DiskFilter', 'SameHostFilter',
                 'DifferentHostFilter'],
        help='Filters a host must pass to receive an instance, in order. '
             'Known: ComputeFilter, AvailabilityZoneFilter, RamFilter, '
             'CoreFilter, DiskFilter, SameHostFilter and DifferentHostFilter '
             '(the scheduler hints same_host and different_host), and '
             'AggregateInstanceExtraSpecsFilter, which is not enabled by '
             'default (nor is it in Nova): a flavor\'s extra specs scoped '
             '"aggregate_instance_extra_specs:", and those with no scope, '
             'must then be met by the metadata of an aggregate of the host, '
             'with Nova\'s operators (e.g. "<in> ssd", "s== fast", ">= 2", '
             '"<or> a <or> b"). Server group policies and a requested host '
             'are always honoured.'),
    cfg.FloatOpt(
        'ram_weight_multiplier', default=1.0,
        help='Weight of free RAM when ranking hosts: positive spreads '
             'instances over hosts, negative packs them.'),
    cfg.IntOpt(
        'host_subset_size', default=1, min=1,
        help='Pick at random among this many best hosts, so that concurrent '
             'conductors contend less for the same host.'),
]

retry_opts = [
    cfg.IntOpt(
        'max_attempts', default=3, min=1,
        help='How many hosts a build may be tried on. A build that fails '
             'on a compute host for a reason another host may not have '
             '(the hypervisor failed to spawn it, the compute service '
             'restarted before spawning it or went down with the build '
             'queued) goes back to a conductor and is scheduled again, '
             'excluding the hosts already tried, until this many attempts '
             'were made; then it ends in ERROR. 1 disables re-scheduling.'),
    cfg.IntOpt(
        'down_host_check_interval', default=10, min=0,
        help='Seconds between the conductor\'s checks for builds handed to '
             'a compute host whose service is down (it stopped reporting '
             'for service_down_time) that it has not started spawning: '
             'those are scheduled again elsewhere. 0 disables the check.'),
    cfg.IntOpt(
        'all_hosts_down_wait', default=60, min=0,
        help='Seconds a conductor holds a build that found no valid host '
             'while every enabled compute service missed its heartbeats '
             'but some reported within this many seconds beyond '
             'service_down_time (the message broker or the database was '
             'away, and the hosts report again as soon as it is back). It '
             'schedules the build again once a host reports; if none does '
             'in time, the build ends in ERROR with NoValidHost. 0 '
             'disables the wait.'),
]


def register_opts(conf):
    conf.register_group(filter_group)
    conf.register_opts(scheduler_opts, group=filter_group)
    conf.register_group(scheduler_group)
    conf.register_opts(retry_opts, group=scheduler_group)


def list_opts():
    return {filter_group: scheduler_opts, scheduler_group: retry_opts}
