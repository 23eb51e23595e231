"""Signed conductor calls: keys, signatures, time window, replays."""
import datetime
import hashlib
import hmac
import json
import os
import stat

import pytest

from nova_core import context, exception, host_auth, rpc
from nova_core.conf import CONF

MASTER = 'm' * 64


def _signer(host='h1', key=None, role=host_auth.COMPUTE):
    key = key or host_auth.derive_host_key(MASTER, host)
    return host_auth.Signer(role, host, lambda: key)


@pytest.fixture
def conf(conf):
    rpc.register_opts(CONF)  # transport_url
    return conf


@pytest.fixture
def ctxt():
    return context.get_admin_context()


@pytest.fixture
def verifier():
    return host_auth.Verifier(MASTER, window=300, cache_size=1000)


def test_host_key_is_hmac_of_the_host_name():
    expected = hmac.new(MASTER.encode(), b'nova-core-host:h1',
                        hashlib.sha256).hexdigest()
    assert host_auth.derive_host_key(MASTER, 'h1') == expected
    assert host_auth.derive_host_key(MASTER, 'h2') != expected
    assert host_auth.derive_controller_key(MASTER) not in (
        expected, host_auth.derive_host_key(MASTER, 'controller'))


def test_a_signed_call_verifies_as_its_host(ctxt, verifier):
    args = {'instance_uuid': 'u1', 'values': {'power_state': 1}}
    auth = _signer().sign(ctxt, 'instance_update', args)
    assert verifier.verify(ctxt, 'instance_update', args, auth) == \
        host_auth.Caller('compute', 'h1')


def test_controller_signs_with_the_controller_key(ctxt, verifier):
    signer = host_auth.Signer(host_auth.CONTROLLER, 'ctl1', lambda:
                              host_auth.derive_controller_key(MASTER))
    auth = signer.sign(ctxt, 'build_instances', {'instances': []})
    assert verifier.verify(ctxt, 'build_instances', {'instances': []},
                           auth).role == 'controller'


def test_canonical_form_ignores_key_order_and_tuple_types():
    assert host_auth.canonical({'b': (1, 2), 'a': None}) == \
        host_auth.canonical({'a': None, 'b': [1, 2]}) == \
        '{"a":null,"b":[1,2]}'


def _tamper(auth, args, **changes):
    return dict(auth, **changes), args


@pytest.mark.parametrize('change', [
    lambda auth, args: (auth, dict(args, values={'project_id': 'p2'})),
    lambda auth, args: (dict(auth, host='h2'), args),
    lambda auth, args: (dict(auth, role='controller'), args),
    lambda auth, args: (dict(auth, ts=auth['ts'] + 1), args),
    lambda auth, args: (dict(auth, nonce='0' * 32), args),
    lambda auth, args: (dict(auth, sig=auth['sig'][::-1]), args),
], ids=['arguments', 'host', 'role', 'timestamp', 'nonce', 'signature'])
def test_any_change_breaks_the_signature(ctxt, verifier, change):
    args = {'instance_uuid': 'u1', 'values': {'power_state': 1}}
    auth, args = change(_signer().sign(ctxt, 'instance_update', args), args)
    with pytest.raises(exception.CallerNotVerified, match='bad signature'):
        verifier.verify(ctxt, 'instance_update', args, auth)


def test_signature_binds_method_and_request(ctxt, verifier):
    auth = _signer().sign(ctxt, 'instance_destroy', {'instance_uuid': 'u'})
    with pytest.raises(exception.CallerNotVerified):
        verifier.verify(ctxt, 'instance_update', {'instance_uuid': 'u'},
                        auth)
    other = context.get_admin_context()
    with pytest.raises(exception.CallerNotVerified):
        verifier.verify(other, 'instance_destroy', {'instance_uuid': 'u'},
                        auth)


def test_one_hosts_key_cannot_sign_for_another(ctxt, verifier):
    forged = _signer('h2', key=host_auth.derive_host_key(MASTER, 'h1'))
    auth = forged.sign(ctxt, 'service_heartbeat', {'host': 'h2'})
    with pytest.raises(exception.CallerNotVerified) as caught:
        verifier.verify(ctxt, 'service_heartbeat', {'host': 'h2'}, auth)
    assert caught.value.kwargs['host'] == 'h2'


@pytest.mark.parametrize('auth,reason', [
    (None, 'not signed'), ('abc', 'not signed'),
    ({'v': 1, 'role': 'compute', 'host': 'h1'}, 'lacks'),
    ({'v': 2, 'role': 'compute', 'host': 'h1', 'ts': 1, 'nonce': 'n',
      'sig': 's'}, 'version'),
    ({'v': 1, 'role': 'admin', 'host': 'h1', 'ts': 1, 'nonce': 'n',
      'sig': 's'}, 'role'),
    ({'v': 1, 'role': 'compute', 'host': 'h1', 'ts': '1', 'nonce': 'n',
      'sig': 's'}, 'malformed'),
])
def test_unsigned_or_malformed_calls_are_refused(ctxt, verifier, auth,
                                                 reason):
    with pytest.raises(exception.CallerNotVerified, match=reason):
        verifier.verify(ctxt, 'service_heartbeat', {}, auth)


def test_stale_and_future_signatures_are_refused(ctxt, verifier,
                                                 monkeypatch):
    auth = _signer().sign(ctxt, 'service_heartbeat', {})
    now = host_auth.time.time()
    for skew in (301, -301):
        monkeypatch.setattr(host_auth.time, 'time', lambda s=skew: now + s)
        with pytest.raises(exception.CallerNotVerified, match='window'):
            verifier.verify(ctxt, 'service_heartbeat', {}, auth)


def test_a_replayed_call_is_refused(ctxt, verifier):
    auth = _signer().sign(ctxt, 'service_heartbeat', {})
    verifier.verify(ctxt, 'service_heartbeat', {}, auth)
    with pytest.raises(exception.CallerNotVerified, match='replayed'):
        verifier.verify(ctxt, 'service_heartbeat', {}, auth)


def test_a_full_nonce_cache_refuses_what_it_forgot():
    cache = host_auth.NonceCache(window=600, size=3)
    for i in range(3):
        assert cache.add('n%d' % i, 1000 + i, 1000)
    assert cache.add('n3', 1003, 1000)  # n0 (1000) forgotten
    assert not cache.add('n0', 1000, 1000)  # ... but not replayable
    assert not cache.add('n9', 999, 1000)
    assert not cache.add('n3', 1003, 1000)
    assert cache.add('n4', 1004, 1000)


def test_expired_nonces_leave_the_cache():
    cache = host_auth.NonceCache(window=10, size=3)
    assert cache.add('a', 100, 100)
    assert cache.add('b', 200, 200)
    assert list(cache._seen) == ['b']


# --- keys from the configuration ---------------------------------------------

def test_in_process_clouds_generate_a_private_master_secret(conf, tmp_path):
    conf.config(state_path=str(tmp_path), transport_url='local://')
    secret = host_auth.master_secret(CONF)
    path = tmp_path / 'host_key_secret'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(secret) == 64 and host_auth.master_secret(CONF) == secret
    conf.config(host='c1')
    assert host_auth.host_key(CONF) == host_auth.derive_host_key(secret,
                                                                 'c1')


def test_a_broker_cloud_needs_a_configured_secret(conf, tmp_path):
    conf.config(state_path=str(tmp_path),
                transport_url='rabbit://u:p@127.0.0.1:5672/')
    with pytest.raises(exception.HostKeyMissing, match='host_key_secret'):
        host_auth.master_secret(CONF)
    with pytest.raises(exception.HostKeyMissing, match='host_key_file'):
        host_auth.host_key(CONF)
    assert not (tmp_path / 'host_key_secret').exists()
    conf.config(group='conductor', host_key_secret='s3cret')
    assert host_auth.master_secret(CONF) == 's3cret'


def test_compute_key_from_option_or_file(conf, tmp_path):
    conf.config(transport_url='rabbit://u:p@127.0.0.1:5672/')
    key_file = tmp_path / 'host_key'
    key_file.write_text('k-from-file\n')
    conf.config(group='compute', host_key_file=str(key_file))
    assert host_auth.host_key(CONF) == 'k-from-file'
    conf.config(group='compute', host_key='k-from-option')
    assert host_auth.host_key(CONF) == 'k-from-option'


def test_signing_client_signs_calls_and_casts(ctxt, verifier):
    sent = []

    class Client:
        def prepare(self, **kwargs):
            return self

        def call(self, ctxt, method, **kwargs):
            sent.append((method, kwargs))

        cast = call

    client = host_auth.SigningClient(Client(), _signer())
    client.prepare(version='1.1').call(ctxt, 'service_heartbeat', host='h1')
    client.cast(ctxt, 'service_heartbeat', host='h1')
    for method, kwargs in sent:
        auth = kwargs.pop(host_auth.ARG)
        assert verifier.verify(ctxt, method, kwargs, auth).host == 'h1'


@pytest.mark.parametrize('value', [
    {'values': {'launched_at': datetime.datetime(2026, 12, 2, 1, 2, 3),
                'power_state': 1, 'task_state': None},
     'expected_task_state': ('spawning', None),
     'event': {'name': 'compute_build', 'phase': 'finish', 'host': 'h1'}},
    [{'b': {3, 1}, 'a': 1.5, 'c': True}, ('x', [datetime.datetime(2026, 1,
                                                                  1)])],
    'plain', 7, None,
])
def test_canonical_form_is_that_of_the_serialized_value(value):
    """What the signer hashes is what the verifier sees after the RPC
    serializer's conversion and JSON."""
    assert host_auth.canonical(value) == json.dumps(
        rpc.to_primitive(value), sort_keys=True, separators=(',', ':'))
    assert host_auth.canonical(value) == host_auth.canonical(
        json.loads(json.dumps(rpc.to_primitive(value))))
