"""Reading the configuration at service start: files, logging, checks."""
import sys

from oslo_config import cfg
from oslo_log import log

from nova_core.conf import CONF

VERSION = '0.1.0'
_LOG_OPTS_REGISTERED = False


def register_log_opts():
    """oslo.log's options, registered once (before defaults are set)."""
    global _LOG_OPTS_REGISTERED
    if not _LOG_OPTS_REGISTERED:
        log.register_options(CONF)
        _LOG_OPTS_REGISTERED = True


def parse_args(argv, default_config_files=None):
    """Parse ``--config-file`` and friends into ``CONF``, then check it.

    Exits with a message naming the option when a value is invalid.
    """
    register_log_opts()
    try:
        CONF(argv[1:], project='nova-core', version=VERSION,
             default_config_files=default_config_files)
        validate(CONF)
    except (cfg.Error, ValueError) as exc:
        sys.exit('%s: configuration error: %s' % (_prog(argv), exc))
    log.setup(CONF, 'nova-core', version=VERSION)


def _prog(argv):
    return argv[0].rsplit('/', 1)[-1] if argv else 'nova-core'


def validate(conf):
    """Read every option once, so bad values fail now rather than later.

    :raises: cfg.Error (ConfigFileValueError names the option) or
        ValueError for values that are valid alone but not together.
    """
    for name in list(conf):
        value = conf[name]
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for opt in list(value):
                _read(value, opt, name)
    if conf.service_down_time <= conf.report_interval:
        raise ValueError(
            'service_down_time (%d) must be greater than report_interval '
            '(%d), or every service would look down between heartbeats'
            % (conf.service_down_time, conf.report_interval))


def _read(group, opt, group_name):
    try:
        group[opt]
    except cfg.ConfigFileValueError as exc:
        raise cfg.ConfigFileValueError('[%s] %s' % (group_name, exc))
