"""nova-core's configuration: one module per topic, all on ``CONF``.

Each topic module has ``register_opts(conf)`` and ``list_opts()``; the
oslo-config-generator reads them through :mod:`nova_core.conf.opts`.
"""
from oslo_config import cfg

from nova_core.conf import (
    api,
    compute,
    conductor,
    consoles,
    dashboard,
    database,
    deadlines,
    default,
    glance,
    identity,
    network,
    quota,
    scheduler,
    service_user,
)

CONF = cfg.CONF

TOPICS = (default, api, compute, conductor, database, glance, scheduler,
          quota, service_user, identity, deadlines, dashboard,
          network, consoles)

for _topic in TOPICS:
    _topic.register_opts(CONF)
