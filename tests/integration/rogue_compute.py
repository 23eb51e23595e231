"""A compromised compute node: holds one host's configuration (its key and
broker account) and tries what that host must not do. Run as::

    python -m tests.integration.rogue_compute --config-file HOST.conf \\
        VICTIM_HOST VICTIM_INSTANCE_UUID

It prints one JSON object: {attempt: the error class the conductor
answered, or "accepted"}.
"""
import json
import sys

from nova_core import config, context, exception, host_auth, rpc
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.conf import CONF


class _Replaying(host_auth.Signer):
    """Signs once, then sends the same signature again (a captured and
    replayed message)."""

    def sign(self, ctxt, method, kwargs):
        if not hasattr(self, 'first'):
            self.first = super().sign(ctxt, method, kwargs)
        return self.first


def attempts(victim_host, victim):
    own = host_auth.Signer.for_compute(CONF)
    rogue = conductor_rpcapi.ConductorAPI(CONF, signer=own)
    # The key of this host, signing as the victim host.
    forged = conductor_rpcapi.ConductorAPI(CONF, signer=host_auth.Signer(
        host_auth.COMPUTE, victim_host, lambda: host_auth.host_key(CONF)))
    replay = conductor_rpcapi.ConductorAPI(CONF, signer=_Replaying(
        host_auth.COMPUTE, CONF.host, lambda: host_auth.host_key(CONF)))
    return {
        'rewrite another host\'s instance': lambda c: rogue.instance_update(
            c, victim, {'vm_state': 'stopped', 'power_state': 4}),
        'change project_id': lambda c: rogue.instance_update(
            c, victim, {'project_id': 'rogue-project'}),
        'change user_data': lambda c: rogue.instance_update(
            c, victim, {'user_data': 'IyEvYmluL3NoCmN1cmwgZXZpbA=='}),
        'take the instance': lambda c: rogue.instance_update(
            c, victim, {'host': CONF.host, 'node': CONF.host}),
        'destroy another host\'s instance': lambda c:
            rogue.instance_destroy(c, victim),
        'another host\'s heartbeat': lambda c: rogue.service_heartbeat(
            c, victim_host, 'nova-compute'),
        'another host\'s resources': lambda c: rogue.compute_node_update(
            c, victim_host, {'hypervisor_hostname': victim_host,
                             'vcpus': 1, 'memory_mb': 1, 'local_gb': 1}),
        'list another host\'s instances': lambda c:
            rogue.instance_get_all_by_host(c, victim_host),
        'schedule builds': lambda c: rogue.client.call(
            c, 'build_instances', instances=[], image_meta={},
            request_spec={}),
        'forged signature': lambda c: forged.service_heartbeat(
            c, victim_host, 'nova-compute'),
        'replayed message': lambda c: replay.service_heartbeat(
            c, CONF.host, 'nova-compute'),
    }


def main(argv):
    config.parse_args(argv[:3])
    rpc.init(CONF)
    ctxt = context.get_admin_context()
    results = {}
    for name, attempt in attempts(argv[3], argv[4]).items():
        if name == 'replayed message':
            attempt(ctxt)  # the original, accepted
        try:
            attempt(ctxt)
        except Exception as exc:  # noqa: BLE001 - reported, judged by tests
            # the class of nova_core.exception, not its *_Remote copy
            results[name] = next((c.__name__ for c in type(exc).__mro__
                                  if c.__module__ == exception.__name__),
                                 type(exc).__name__)
        else:
            results[name] = 'accepted'
    rpc.cleanup()
    print(json.dumps(results))


if __name__ == '__main__':
    main(sys.argv)
