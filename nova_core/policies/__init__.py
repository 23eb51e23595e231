"""Policy defaults in code, one module per resource, as Nova keeps them.

``list_rules()`` is the ``oslo.policy.policies`` entry point that
``oslopolicy-sample-generator`` reads to write ``etc/nova/policy.yaml.sample``.
"""
import itertools

from nova_core.policies import (
    admin_actions,
    aggregates,
    attach_interfaces,
    availability_zone,
    base,
    deferred_delete,
    extensions,
    flavor_access,
    flavor_extra_specs,
    flavor_manage,
    guest_actions,
    hosts,
    hypervisors,
    images,
    instance_actions,
    instance_usage_audit_log,
    ips,
    keypairs,
    limits,
    lock_server,
    migrations,
    networks,
    overdue_tasks,
    quota_class_sets,
    quota_sets,
    remote_consoles,
    rescue,
    security_groups,
    server_diagnostics,
    server_external_events,
    server_groups,
    server_metadata,
    server_moves,
    server_tags,
    servers,
    services,
    shelve,
    simple_tenant_usage,
)


def list_rules():
    return list(itertools.chain(
        quota_sets.list_rules(), quota_class_sets.list_rules(),
        limits.list_rules(), attach_interfaces.list_rules(),
        base.list_rules(), servers.list_rules(),
        lock_server.list_rules(), admin_actions.list_rules(),
        deferred_delete.list_rules(),
        flavor_manage.list_rules(), flavor_access.list_rules(),
        flavor_extra_specs.list_rules(), server_groups.list_rules(),
        instance_actions.list_rules(), images.list_rules(),
        services.list_rules(), hypervisors.list_rules(),
        keypairs.list_rules(), server_metadata.list_rules(),
        server_tags.list_rules(), server_moves.list_rules(),
        overdue_tasks.list_rules(), ips.list_rules(),
        networks.list_rules(), extensions.list_rules(),
        security_groups.list_rules(), aggregates.list_rules(),
        availability_zone.list_rules(), simple_tenant_usage.list_rules(),
        server_diagnostics.list_rules(),
        server_external_events.list_rules(), shelve.list_rules(),
        rescue.list_rules(), guest_actions.list_rules(),
        migrations.list_rules(), hosts.list_rules(),
        instance_usage_audit_log.list_rules(), remote_consoles.list_rules()))
