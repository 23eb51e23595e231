"""Options of the compute service (``[compute]``, and in ``[DEFAULT]``
those Nova keeps there)."""
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
    cfg.IntOpt(
        'report_retry_timeout', default=300, min=0,
        help='Seconds a compute node keeps sending a build\'s start and '
             'outcome, a delete\'s end and their action events to the '
             'conductors when none acknowledges them (the conductor that '
             'took the call died, the message broker or the database is '
             'away). Past it the report is dropped and the task\'s deadline '
             'resolves the server. 0 sends each report once.'),
    cfg.IntOpt(
        'report_retry_max_wait', default=10, min=1,
        help='Longest wait in seconds between two sendings of a report '
             'that was not acknowledged; the waits double from 1 second.'),
    cfg.StrOpt(
        'host_key', secret=True,
        help='This host\'s key to sign its calls to the conductor: '
             'HMAC-SHA256 of "nova-core-host:<host>" under the controllers\' '
             '[conductor] host_key_secret, in hex. It signs for this host '
             'only. Takes precedence over host_key_file.'),
    cfg.StrOpt(
        'host_key_file',
        help='File holding this host\'s key when host_key is not set.'),
]

#: Guests whose server was deleted while their host was down (Nova's names).
running_deleted_opts = [
    cfg.StrOpt(
        'running_deleted_instance_action', default='reap',
        choices=[('reap', 'destroy the guest'),
                 ('log', 'only log a warning'),
                 ('shutdown', 'power the guest off'),
                 ('noop', 'do nothing')],
        help='What a compute service does with a guest it still runs whose '
             'server was deleted (e.g. while the host was down): checked '
             'at start and every running_deleted_instance_poll_interval.'),
    cfg.IntOpt(
        'running_deleted_instance_poll_interval', default=600, min=0,
        help='Seconds between two checks for guests of deleted servers. '
             '0 checks only at start.'),
]


def register_opts(conf):
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)
    conf.register_opts(running_deleted_opts)


def list_opts():
    return {compute_group: compute_opts, 'DEFAULT': running_deleted_opts}
