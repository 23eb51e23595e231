"""nova-core's configuration: one module per topic, all on ``CONF``.

Each topic module has ``register_opts(conf)`` and ``list_opts()``; the
oslo-config-generator reads them through :mod:`nova_core.conf.opts`.
"""
from oslo_config import cfg

from nova_core.conf import api
from nova_core.conf import compute
from nova_core.conf import conductor
from nova_core.conf import database
from nova_core.conf import default
from nova_core.conf import glance
from nova_core.conf import scheduler

CONF = cfg.CONF

TOPICS = (default, api, compute, conductor, database, glance, scheduler)

for _topic in TOPICS:
    _topic.register_opts(CONF)
