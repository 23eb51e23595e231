"""Options of the fake driver (``[fake]``): the host it pretends to be and
how slow or faulty it is."""
from oslo_config import cfg

fake_group = cfg.OptGroup('fake', title='Fake hypervisor driver options')

fake_opts = [
    cfg.IntOpt('vcpus', default=1000, min=1,
               help='Physical CPUs the fake host reports.'),
    cfg.IntOpt('memory_mb', default=1024 * 1024, min=1,
               help='Memory in MiB the fake host reports.'),
    cfg.IntOpt('local_gb', default=100000, min=1,
               help='Local disk in GiB the fake host reports.'),
    cfg.FloatOpt('spawn_delay', default=0.0, min=0.0,
                 help='Seconds each spawn takes.'),
    cfg.FloatOpt('power_delay', default=0.0, min=0.0,
                 help='Seconds each power operation (reboot, power off/on, '
                      'pause, suspend, ...) takes.'),
    cfg.ListOpt('fail_operations', default=[],
                help='Operations that fail, by driver method name, e.g. '
                     '"spawn,reboot".'),
    cfg.StrOpt('fail_instance_names', default=None,
               help='A regular expression: when set, fail_operations fail '
                    'only for instances whose display name matches it.'),
    cfg.ListOpt('fail_hosts', default=[],
                help='When set, fail_operations fail only on the compute '
                     'hosts named here ([DEFAULT] host), e.g. to see builds '
                     'retried on another host.'),
]


def register_opts(conf):
    conf.register_group(fake_group)
    conf.register_opts(fake_opts, group=fake_group)


def list_opts():
    return [(fake_group, fake_opts)]
