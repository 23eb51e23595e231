"""nova-core-all with signed conductor calls: its own compute works, a
rogue client holding a compute host's key is refused over RPC and changes
nothing (see nova_core.host_auth and nova_core.conductor.authz)."""
import pytest

from nova_core import context, exception, host_auth
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.conf import CONF
from nova_core.db import instances
from nova_core.db import services as db_services

ROGUE = 'rogue-compute'


def _client(host, key_host=None):
    master = host_auth.master_secret(CONF)
    key = host_auth.derive_host_key(master, key_host or host)
    return conductor_rpcapi.ConductorAPI(CONF, signer=host_auth.Signer(
        host_auth.COMPUTE, host, lambda: key))


@pytest.fixture
def victim(api, image_id):
    server = api.boot('trust-victim', image=image_id)['id']
    api.wait_for(server, 'ACTIVE')
    yield server
    api.delete('/servers/%s' % server)
    api.wait_gone(server)


def _log(cloud):
    with open(cloud.conf.log_file) as f:
        return f.read()


def test_compute_calls_are_signed_and_boot_works(cloud, victim):
    """The server in ``victim`` built through signed calls; a call the
    conductor cannot verify is refused."""
    ctxt = context.get_admin_context()
    raw = conductor_rpcapi.ConductorAPI(CONF).client._client  # unsigned
    with pytest.raises(exception.CallerNotVerified):
        raw.call(ctxt, 'service_heartbeat', host=CONF.host,
                 binary='nova-compute')
    assert 'Refused unverified call service_heartbeat claiming host ' \
        'None: the call is not signed' in _log(cloud)


def test_rogue_host_is_refused_and_changes_nothing(cloud, victim):
    ctxt = context.get_admin_context()
    rogue, own = _client(ROGUE), _client(CONF.host)
    before = (instances.get(victim), db_services.get_all(),
              db_services.node_get_all())
    attempts = [
        (rogue.instance_update, (victim, {'power_state': 4})),
        (own.instance_update, (victim, {'project_id': 'p2'})),
        (own.instance_update, (victim, {'user_data': 'IyEvYmluL3No'})),
        (own.instance_update, (victim, {'host': ROGUE})),
        (rogue.service_heartbeat, (CONF.host, 'nova-compute')),
        (rogue.compute_node_update, (CONF.host, {
            'hypervisor_hostname': CONF.host, 'vcpus': 4096})),
        (rogue.instance_get_all_by_host, (CONF.host,)),
        (rogue.action_event_start, (victim, 'compute_x', ROGUE)),
        # build_instances is a cast; called, its refusal comes back
        (rogue.client.call, ('build_instances',)),
        (rogue.client.call, ('resolve_overdue_tasks',)),
    ]
    for method, args in attempts:
        with pytest.raises(exception.CallerNotAuthorized):
            method(ctxt, *args)
    forged = _client(CONF.host, key_host=ROGUE)
    with pytest.raises(exception.CallerNotVerified):
        forged.service_heartbeat(ctxt, CONF.host, 'nova-compute')
    assert (instances.get(victim), db_services.get_all(),
            db_services.node_get_all()) == before
    log = _log(cloud)
    assert 'Refused instance_update from compute host %s (instance %s): ' \
        'instance is on host %s' % (ROGUE, victim, CONF.host) in log
    assert 'Refused instance_update from compute host %s (instance %s): ' \
        'instance_update may not set project_id' % (CONF.host, victim) in log
    assert 'Refused unverified call service_heartbeat claiming host %s: ' \
        'bad signature' % CONF.host in log


def test_a_replayed_call_is_refused(cloud, victim):
    ctxt = context.get_admin_context()
    own = _client(CONF.host)
    signer = own.client._signer
    first = {}

    def sign_once(ctxt, method, kwargs):
        first.setdefault(method, host_auth.Signer.sign(
            signer, ctxt, method, kwargs))
        return first[method]

    signer.sign = sign_once
    own.service_heartbeat(ctxt, CONF.host, 'nova-compute')
    with pytest.raises(exception.CallerNotVerified, match='replayed'):
        own.service_heartbeat(ctxt, CONF.host, 'nova-compute')
