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
             '(tasks past their deadline, see [instance_deadlines]; resizes '
             'to confirm).'),
    cfg.StrOpt(
        'host_key_secret', secret=True,
        help='Master secret from which the key of every compute host is '
             'derived (HMAC-SHA256 of "nova-core-host:<host>"); conductor '
             'calls are signed with those keys. Set it on controllers '
             '(conductors and API) only, never on compute hosts. Takes '
             'precedence over host_key_secret_file.'),
    cfg.StrOpt(
        'host_key_secret_file', default='$state_path/host_key_secret',
        help='File holding the master secret when host_key_secret is not '
             'set. With an in-process transport (local://, fake://, as '
             'nova-core-all uses) a missing file is generated, readable by '
             'its owner only; with any other transport it must exist.'),
    cfg.IntOpt(
        'signature_window', default=300, min=1,
        help='Seconds a signed conductor call stays valid: calls signed '
             'further from the conductor\'s clock are refused. Keep the '
             'hosts\' clocks in sync (NTP).'),
    cfg.IntOpt(
        'nonce_cache_size', default=100000, min=100,
        help='How many nonces of signed calls a conductor remembers to '
             'refuse replays. When full, calls older than the oldest '
             'forgotten one are refused too.'),
]


def register_opts(conf):
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)


def list_opts():
    return {conductor_group: conductor_opts}
