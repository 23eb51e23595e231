"""Options of the Keystone nova-core-all runs itself (``[identity]``).

``nova-core-all --keystone`` (or ``embedded_keystone = true``) starts a real
Keystone as a child process on SQLite under ``state_path``, bootstraps the
``admin`` and ``demo`` accounts and the catalog, and writes a clouds.yaml.
Other services ignore this group: they talk to an existing Keystone through
``[keystone_authtoken]`` and ``[service_user]``.
"""
from oslo_config import cfg

identity_group = cfg.OptGroup('identity', title='Embedded Keystone options')

identity_opts = [
    cfg.BoolOpt(
        'embedded_keystone', default=False,
        help='Whether nova-core-all runs a Keystone of its own (a child '
             'process it supervises) and authenticates requests with it '
             '([api] auth_strategy = keystone).'),
    cfg.StrOpt(
        'keystone_venv',
        help='Python virtual environment that holds keystone 30 and '
             'gunicorn. Created with pip on first use when missing. By '
             'default $NOVA_CORE_KEYSTONE_VENV, else '
             '~/.cache/nova-core/keystone-venv.'),
    cfg.StrOpt(
        'keystone_path', default='$state_path/keystone',
        help='Where the embedded Keystone keeps its configuration, SQLite '
             'database, fernet and credential keys, and log.'),
    cfg.HostAddressOpt(
        'keystone_listen', default='127.0.0.1',
        help='Address the embedded Keystone listens on.'),
    cfg.PortOpt(
        'keystone_port', default=5000,
        help='Port the embedded Keystone listens on.'),
    cfg.StrOpt(
        'region_name', default='RegionOne',
        help='Region of the catalog entries the embedded Keystone '
             'registers.'),
    cfg.StrOpt(
        'clouds_yaml', default='$state_path/clouds.yaml',
        help='Where nova-core-all writes the clouds.yaml of the embedded '
             'Keystone (clouds "nova-core-admin" and "nova-core").'),
]


def register_opts(conf):
    conf.register_group(identity_group)
    conf.register_opts(identity_opts, group=identity_group)


def list_opts():
    return {identity_group: identity_opts}
