"""Assemble a conductor service: RPC endpoint, heartbeat, periodic checks."""
from nova_core import context as nova_context
from nova_core import host_auth, service
from nova_core.conductor import endpoint
from nova_core.conductor import manager as conductor_manager
from nova_core.db import services as db_services
from nova_core.scheduler import host_selection

BINARY = 'nova-conductor'


def create_service(conf):
    """A conductor ready to ``start()``; checks its scheduler options and
    its master secret (see :mod:`nova_core.host_auth`)."""
    host_selection.enabled_filters(conf)  # fail fast on unknown filters
    manager = conductor_manager.ConductorManager(conf)
    guarded = endpoint.GuardedEndpoint(manager,
                                       host_auth.Verifier.from_conf(conf))
    topic = conf.conductor.topic
    return service.Service(
        conf, BINARY, topic, manager, endpoint=guarded,
        register=lambda: db_services.register(conf.host, BINARY, topic),
        heartbeat=lambda: db_services.heartbeat(conf.host, BINARY),
        stopped=lambda: db_services.mark_stopped(conf.host, BINARY),
        tasks=[(conf.conductor.periodic_interval,
                lambda: manager.resolve_overdue_tasks(
                    nova_context.get_admin_context())),
               (conf.conductor.periodic_interval,
                lambda: manager.confirm_old_resizes(
                    nova_context.get_admin_context()))] + ([
               (conf.scheduler.down_host_check_interval,
                lambda: manager.reschedule_builds_on_down_hosts(
                    nova_context.get_admin_context()))]
            if conf.scheduler.down_host_check_interval else []))
