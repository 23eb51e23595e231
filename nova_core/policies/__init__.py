"""Policy defaults in code, one module per resource, as Nova keeps them.

``list_rules()`` is the ``oslo.policy.policies`` entry point that
``oslopolicy-sample-generator`` reads to write ``etc/nova/policy.yaml.sample``.
"""
import itertools

from nova_core.policies import (
    base,
    hypervisors,
    images,
    instance_actions,
    servers,
    services,
)


def list_rules():
    return list(itertools.chain(
        base.list_rules(), servers.list_rules(),
        instance_actions.list_rules(), images.list_rules(),
        services.list_rules(), hypervisors.list_rules()))
