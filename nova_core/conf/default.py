"""Options of the ``[DEFAULT]`` group that every nova-core service reads."""
import socket

from oslo_config import cfg

service_opts = [
    cfg.HostAddressOpt(
        'host', default=socket.gethostname(),
        sample_default='<current_hostname>',
        help='Name of this node. Compute services listen on the RPC topic '
             '"compute.<host>" and the scheduler places instances by this '
             'name, so it must be unique among compute nodes.'),
    cfg.StrOpt(
        'state_path', default='/var/lib/nova-core',
        help='Top-level directory for the state nova-core keeps on disk: the '
             'embedded SQLite database and instance files.'),
    cfg.IntOpt(
        'report_interval', default=10, min=1,
        help='Seconds between two heartbeats of a service to the database '
             '(through the conductor on compute nodes).'),
    cfg.IntOpt(
        'service_down_time', default=60, min=1,
        help='Seconds since its last heartbeat after which a service counts '
             'as down. Must be greater than report_interval.'),
    cfg.StrOpt(
        'default_availability_zone', default='nova',
        help='Availability zone of compute services that have no other.'),
    cfg.StrOpt(
        'instance_name_template', default='instance-%08x',
        help='Template for the hypervisor name of an instance, filled with '
             'the instance\'s database id.'),
]

compute_opts = [
    cfg.StrOpt(
        'compute_driver', default='fake',
        help='Hypervisor driver of this compute node, by its entry point '
             'name in the "nova_core.virt_drivers" namespace (installed: '
             '"fake", "libvirt").'),
    cfg.StrOpt(
        'instances_path', default='$state_path/instances',
        help='Where compute nodes keep instance files.'),
    cfg.BoolOpt(
        'resume_guests_state_on_host_boot', default=False,
        help='Whether to start guests that were running before the compute '
             'host rebooted.'),
    cfg.IntOpt(
        'reclaim_instance_interval', default=0,
        help='Seconds a deleted server is kept before it is really deleted. '
             'When positive, DELETE /servers/{id} only soft-deletes a '
             'server that has run (status SOFT_DELETED, guest powered off): '
             'its owner may restore it or force its deletion, and each '
             'compute service reclaims its own soft-deleted servers older '
             'than this, checking as often. 0 or less deletes at once.'),
]

allocation_opts = [
    cfg.FloatOpt(
        'cpu_allocation_ratio', default=4.0, min=0.0,
        help='Virtual CPUs the scheduler may place per physical CPU.'),
    cfg.FloatOpt(
        'ram_allocation_ratio', default=1.0, min=0.0,
        help='Virtual RAM the scheduler may place per MiB of physical RAM.'),
    cfg.FloatOpt(
        'disk_allocation_ratio', default=1.0, min=0.0,
        help='Virtual disk the scheduler may place per GiB of local disk.'),
    cfg.IntOpt(
        'reserved_host_memory_mb', default=512, min=0,
        help='Memory in MiB kept back for the host itself.'),
    cfg.IntOpt(
        'reserved_host_disk_mb', default=0, min=0,
        help='Disk in MiB kept back for the host itself.'),
    cfg.IntOpt(
        'reserved_host_cpus', default=0, min=0,
        help='Physical CPUs kept back for the host itself.'),
]

build_opts = [
    cfg.IntOpt(
        'instance_build_timeout', default=600, min=0,
        help='Seconds a build may stay spawning on its compute host before '
             'the conductor resolves it: rescheduled if that host is down, '
             'otherwise put in ERROR with a fault. 0 disables the check. '
             'The other task states have their deadlines in '
             '[instance_deadlines].'),
    cfg.BoolOpt(
        'allow_resize_to_same_host', default=False,
        help='Whether a resize may choose the host the instance is on. '
             'The libvirt driver cannot move disks between hosts, so with '
             'it resizes need this option.'),
    cfg.IntOpt(
        'resize_confirm_window', default=0, min=0,
        help='Seconds after which a finished resize that nobody confirmed '
             'or reverted is confirmed by the conductor. 0 disables it.'),
    cfg.IntOpt(
        'shelved_offload_time', default=0, min=-1,
        help='Seconds a shelved server keeps its guest and resources on its '
             'host before the compute offloads it (SHELVED_OFFLOADED: the '
             'guest is removed and the claim given back). 0 offloads at '
             'once when shelving; -1 never offloads on its own (only '
             'shelveOffload does), as Nova\'s option.'),
    cfg.IntOpt(
        'shelved_poll_interval', default=3600, min=-1,
        help='Seconds between the compute\'s checks for shelved servers '
             'past shelved_offload_time. 0 or -1 disables the check.'),
]

audit_opts = [
    cfg.BoolOpt(
        'instance_usage_audit', default=False,
        help='Whether each compute host audits, once per audit period, the '
             'instances that were active on it in the last period and '
             'records the run (os-instance_usage_audit_log reports it).'),
    cfg.StrOpt(
        'instance_usage_audit_period', default='month',
        regex=r'^(hour|day|month|year)(@[0-9]+)?$',
        help='The audit period: hour, day, month or year, optionally '
             'followed by @ and the minute, hour, day or month at which a '
             'period starts (e.g. month@15).'),
]

ALL_OPTS = (service_opts + compute_opts + allocation_opts + build_opts +
            audit_opts)


def register_opts(conf):
    conf.register_opts(ALL_OPTS)


def list_opts():
    return {'DEFAULT': ALL_OPTS}
