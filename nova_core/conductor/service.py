"""Assemble a conductor service: RPC endpoint, heartbeat, periodic checks."""
from nova_core import context as nova_context
from nova_core import service
from nova_core.conductor import manager as conductor_manager
from nova_core.db import services as db_services
from nova_core.scheduler import host_selection

BINARY = 'nova-conductor'


def create_service(conf):
    """A conductor ready to ``start()``; checks its scheduler options."""
    host_selection.enabled_filters(conf)  # fail fast on unknown filters
    manager = conductor_manager.ConductorManager(conf)
    topic = conf.conductor.topic
    return service.Service(
        conf, BINARY, topic, manager,
        register=lambda: db_services.register(conf.host, BINARY, topic),
        heartbeat=lambda: db_services.heartbeat(conf.host, BINARY),
        tasks=[(conf.conductor.periodic_interval,
                lambda: manager.fail_stuck_builds(
                    nova_context.get_admin_context())),
               (conf.conductor.periodic_interval,
                lambda: manager.confirm_old_resizes(
                    nova_context.get_admin_context()))])
