"""nova-core's answers checked against Tempest's own response schemas
(``tempest.lib.api_schema.response.compute``), with the validator Tempest's
REST client uses, so a response Tempest would refuse fails here first.

Tempest lives in its own venv (see ``tools/tempest_run.py``); without it
these tests are skipped.
"""
import json
import os
import subprocess

import pytest
import requests

from tests.fixtures.client import Client

_VENV = os.environ.get('NOVA_CORE_TEMPEST_VENV') or os.path.expanduser(
    '~/.cache/nova-core/tempest-venv')
_PYTHON = os.path.join(_VENV, 'bin', 'python')

_CHECK = '''
import importlib, json, sys
from tempest.lib.common.rest_client import RestClient

class Resp(dict):
    pass

failures = []
for module, name, status, headers, body in json.load(sys.stdin):
    schema = getattr(importlib.import_module(
        'tempest.lib.api_schema.response.compute.' + module), name)
    resp = Resp(headers)
    resp.status = status
    try:
        RestClient.validate_response(schema, resp, body)
    except Exception as ex:
        failures.append('%s.%s: %s' % (module, name, str(ex)[:400]))
print(json.dumps(failures))
'''

pytestmark = pytest.mark.skipif(not os.path.exists(_PYTHON),
                                reason='no Tempest venv at %s' % _VENV)


def _tempest_refuses(answers):
    """[(module, schema name, response)] -> Tempest's complaints."""
    cases = [(module, name, r.status_code, {k.lower(): v for k, v in
                                             r.headers.items()},
              r.json() if r.content else '') for module, name, r in answers]
    result = subprocess.run([_PYTHON, '-c', _CHECK], input=json.dumps(cases),
                            capture_output=True, text=True, timeout=120,
                            check=True)
    return json.loads(result.stdout)


@pytest.fixture(scope='module')
def server(endpoint, image_id):
    api = Client(endpoint)
    # With an address: its shape differs between show and rebuild/update.
    server_id = api.boot('schemas', image=image_id, networks='auto')['id']
    api.wait_for(server_id, 'ACTIVE')
    yield server_id
    api.delete('/servers/%s' % server_id)


def _rebuild(api, server_id, image_id):
    response = api.action(server_id, {'rebuild': {'imageRef': image_id}})
    api.wait_for(server_id, 'ACTIVE')
    return response


# (microversion, Tempest's schema module): where the server changed shape.
SERVER_VERSIONS = [(v, 'v%s.servers' % v.replace('.', '_')) for v in (
    '2.1', '2.47', '2.54', '2.57', '2.75', '2.96', '2.98', '2.100')]


@pytest.mark.parametrize('version,module', SERVER_VERSIONS)
@pytest.mark.parametrize('token', ['demo:demo', 'admin:admin'])
def test_servers_answer_as_tempest_expects(endpoint, server, image_id,
                                           version, module, token):
    api = Client(endpoint, token=token, version=version)
    path = '/servers/%s' % server
    rebuilt = _rebuild(api, server, image_id)
    answers = [
        (module, 'get_server', api.get(path)),
        (module, 'list_servers_detail', api.get('/servers/detail')),
        (module, 'update_server', api.put(path, json={
            'server': {'name': 'schemas'}})),
        (module, 'rebuild_server_with_admin_pass' if 'adminPass' in
         rebuilt.json()['server'] else 'rebuild_server', rebuilt),
    ]
    assert _tempest_refuses(answers) == []


def test_versions_extensions_and_image_metadata(endpoint, image_id):
    root = endpoint.rsplit('/v2.1', 1)[0]
    api = Client(endpoint, version='2.38')
    answers = [
        ('v2_1.versions', 'list_versions', requests.get(root + '/')),
        ('v2_1.versions', 'get_one_version', requests.get(root + '/v2/')),
        ('v2_1.extensions', 'list_extensions', api.get('/extensions')),
        ('v2_1.images', 'image_metadata', api.get(
            '/images/%s/metadata' % image_id)),
    ]
    assert _tempest_refuses(answers) == []


def test_migrations_hosts_and_audit_log(endpoint, server):
    from nova_core.db import moves
    flavor = {'flavorid': '1', 'vcpus': 1, 'memory_mb': 512, 'root_gb': 1}
    for kind, status in (('resize', 'finished'),
                         ('live-migration', 'running')):
        moves.create({'instance_uuid': server, 'migration_type': kind,
                      'status': status, 'source_compute': 'a',
                      'source_node': 'a', 'dest_compute': 'b',
                      'dest_node': 'b', 'old_flavor': flavor,
                      'new_flavor': flavor, 'user_id': 'u',
                      'project_id': 'p'})
    answers = []
    for version in ('2.1', '2.23', '2.59', '2.80'):
        api = Client(endpoint, token='admin:admin', version=version)
        answers.append(('v%s.migrations' % version.replace('.', '_'),
                        'list_migrations', api.get('/os-migrations')))
    old = Client(endpoint, token='admin:admin', version='2.42')
    hosts = old.get('/os-hosts')
    (compute,) = [h['host_name'] for h in hosts.json()['hosts']
                  if h['service'] == 'compute']
    answers += [
        ('v2_1.hosts', 'list_hosts', hosts),
        ('v2_1.hosts', 'get_host_detail', old.get('/os-hosts/' + compute)),
        ('v2_1.hosts', 'update_host', old.put('/os-hosts/' + compute, json={
            'status': 'enable'})),
        ('v2_1.instance_usage_audit_logs', 'list_instance_usage_audit_log',
         old.get('/os-instance_usage_audit_log')),
        ('v2_1.instance_usage_audit_logs', 'get_instance_usage_audit_log',
         old.get('/os-instance_usage_audit_log/2020-01-01 00:00:00')),
    ]
    assert all(r.status_code == 200 for _, _, r in answers)
    # The running live migration made here has links (other tests of the
    # same cloud leave finished ones, which have none).
    assert 'links' in [m for m in answers[1][2].json()['migrations']
                       if m['migration_type'] == 'live-migration' and
                       m['source_compute'] == 'a'][0]
    assert _tempest_refuses(answers) == []


def test_interfaces(endpoint, server):
    api = Client(endpoint, version='2.70')
    old = Client(endpoint, version='2.69')
    path = '/servers/%s/os-interface' % server
    (port,) = api.get(path).json()['interfaceAttachments']
    answers = []
    for client, module in ((old, 'v2_1'), (api, 'v2_70')):
        answers += [
            (module + '.interfaces', 'list_interfaces', client.get(path)),
            (module + '.interfaces', 'get_create_interfaces',
             client.get(path + '/' + port['port_id']))]
    assert _tempest_refuses(answers) == []
