"""Assemble a compute service: driver, reconciliation, heartbeats.

Nothing here reaches the database: registration, heartbeats and resource
reports travel to a conductor.
"""
import logging
import time

import oslo_messaging as messaging

from nova_core import context as nova_context
from nova_core import host_auth, rpc, service
from nova_core.compute import (
    evacuate,
    reclaim,
    reconcile,
    reports,
    rpcapi,
)
from nova_core.compute import manager as compute_manager
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.virt import loader

LOG = logging.getLogger(__name__)
BINARY = 'nova-compute'


def _image_service(conf):
    """The HTTP image client, where the image package provides one."""
    try:
        from nova_core.image import client
    except ImportError:
        return None
    return client.ImageClient(conf)


def wait_for_conductor(conductor, ctxt, conf, attempts=None):
    """Block until a conductor answers, as Nova's compute does at start."""
    tried = 0
    while True:
        try:
            return conductor.service_register(
                ctxt, conf.host, BINARY, rpcapi.TOPIC,
                conf.default_availability_zone)
        except messaging.MessagingTimeout:
            tried += 1
            if attempts is not None and tried >= attempts:
                raise
            LOG.warning('No conductor answered yet; waiting for one')
            time.sleep(1)


def heartbeat_client(conf):
    """A conductor client for heartbeats: each one waits at most a report
    interval for the broker and for its answer, so that one sent into an
    outage (the broker away, its answer lost with the broker's queues)
    fails in time for the next, and heartbeats resume within one interval
    once the broker is back (a conductor records a beat whether or not its
    answer arrives). With no bound, a beat waited for reconnection backoff
    and then the whole ``rpc_response_timeout``: the host was seen down
    long after the outage ended."""
    return conductor_rpcapi.ConductorAPI(
        conf, signer=host_auth.Signer.for_compute(conf),
        retry=rpc.handoff_retries(conf, conf.report_interval),
        timeout=conf.report_interval)


#: Seconds between two checks whether the last audit period was audited
#: (Nova's default periodic spacing; a period is audited once).
AUDIT_SPACING = 60


def _periodic_tasks(conf, manager, ctxt):
    tasks = [(conf.compute.resource_report_interval,
              lambda: manager.update_available_resource(ctxt)),
             (reclaim.spacing(conf),
              lambda: reclaim.reclaim_queued_deletes(manager, ctxt))]
    if conf.instance_usage_audit:
        tasks.append((AUDIT_SPACING, lambda: manager.conductor.
                      instance_usage_audit(ctxt, manager.host)))
    if conf.running_deleted_instance_poll_interval > 0:
        tasks.append((conf.running_deleted_instance_poll_interval,
                      lambda: reconcile.reap_running_deleted(manager, ctxt)))
    if conf.shelved_poll_interval > 0 and conf.shelved_offload_time > 0:
        tasks.append((conf.shelved_poll_interval,
                      lambda: manager.poll_shelved_instances(ctxt)))
    return tasks


def _on_start(manager, ctxt):
    """Guests evacuated away go first (as Nova's ``init_host``), then the
    others are reconciled."""
    evacuate.destroy_evacuated(manager, ctxt)
    reconcile.reconcile_host(manager, ctxt)


def create_service(conf):
    """A compute service ready to ``start()``.

    :raises: DriverLoadError when the configured driver cannot be loaded.
    """
    ctxt = nova_context.get_admin_context()
    conductor = conductor_rpcapi.ConductorAPI(
        conf, signer=host_auth.Signer.for_compute(conf))
    driver = loader.load_compute_driver(conf, _image_service(conf))
    manager = compute_manager.ComputeManager(
        conf, driver, reports.ReliableConductor(conductor, conf))
    driver.register_event_listener(
        lambda event: manager.handle_lifecycle_event(ctxt, event))

    driver.init_host(conf.host)

    def register(attempts=None):
        wait_for_conductor(conductor, ctxt, conf, attempts)
        manager.update_available_resource(ctxt)

    beats = heartbeat_client(conf)
    return service.Service(
        conf, BINARY, rpcapi.TOPIC, manager, register=register,
        heartbeat=lambda: beats.service_heartbeat(ctxt, conf.host, BINARY),
        reregister=lambda: register(attempts=1),
        stopped=lambda: conductor.service_stopped(ctxt, conf.host, BINARY),
        tasks=_periodic_tasks(conf, manager, ctxt),
        on_start=lambda: _on_start(manager, ctxt),
        on_stop=lambda: driver.cleanup_host(conf.host))
