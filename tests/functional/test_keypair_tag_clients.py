"""Key pairs, server metadata and tags through the unmodified ``openstack``
CLI and openstacksdk."""
import json
import shutil
import uuid

import pytest
from cryptography.hazmat.primitives import serialization

from tests.fixtures import openstack_cli
from tests.functional.test_keypairs import _ssh_key

pytestmark = pytest.mark.skipif(shutil.which('openstack') is None,
                                reason='python-openstackclient missing')


@pytest.fixture(scope='module')
def identity():
    """The CLI insists on an identity v3 client for ``keypair`` commands,
    though without ``--user`` it only reads the version document."""
    with openstack_cli.identity_endpoint() as url:
        yield url


@pytest.fixture
def cli(endpoint, identity):
    """The CLI as a user of its own (noauth2 reads the token)."""
    user = 'cli-%s' % uuid.uuid4().hex[:8]
    return openstack_cli.runner(openstack_cli.environ(
        endpoint, OS_AUTH_TYPE='admin_token',
        OS_TOKEN='%s:cli-project' % user,
        OS_IDENTITY_ENDPOINT_OVERRIDE=identity))


def test_keypairs_with_cli(cli, tmp_path):
    # The CLI negotiates 2.92+, so it makes the key itself and imports it.
    private = cli('keypair', 'create', 'k1')
    serialization.load_ssh_private_key(private.encode(), None)
    public_file = tmp_path / 'k2.pub'
    line, fingerprint = _ssh_key()
    public_file.write_text(line)
    created = json.loads(cli('keypair', 'create', '--public-key',
                             str(public_file), '-f', 'json', 'k2'))
    assert created['fingerprint'] == fingerprint
    listed = json.loads(cli('keypair', 'list', '-f', 'json'))
    assert sorted(k['Name'] for k in listed) == ['k1', 'k2']
    shown = json.loads(cli('keypair', 'show', '-f', 'json', 'k2'))
    assert shown['fingerprint'] == fingerprint
    assert cli('keypair', 'show', '--public-key', 'k2').strip() == line
    cli('keypair', 'delete', 'k2')
    listed = json.loads(cli('keypair', 'list', '-f', 'json'))
    assert [k['Name'] for k in listed] == ['k1']


def test_server_key_properties_and_tags_with_cli(cli):
    cli('keypair', 'create', 'boot')
    created = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                             '--image', 'fake-image', '--key-name', 'boot',
                             '--wait', '-f', 'json', 'cli-kp-vm'))
    sid = created['id']
    assert created['key_name'] == 'boot'
    cli('server', 'set', '--property', 'a=b', '--property', 'c=d', sid)
    shown = json.loads(cli('server', 'show', '-f', 'json', sid))
    assert shown['properties'] == {'a': 'b', 'c': 'd'}
    cli('server', 'unset', '--property', 'a', sid)
    shown = json.loads(cli('server', 'show', '-f', 'json', sid))
    assert shown['properties'] == {'c': 'd'}
    tag = 'cli-%s' % uuid.uuid4().hex[:6]
    cli('--os-compute-api-version', '2.26', 'server', 'set', '--tag', tag,
        sid)
    shown = json.loads(cli('--os-compute-api-version', '2.26', 'server',
                           'show', '-f', 'json', sid))
    assert shown['tags'] == [tag]
    listed = json.loads(cli('--os-compute-api-version', '2.26', 'server',
                            'list', '--tags', tag, '-f', 'json'))
    assert [s['ID'] for s in listed] == [sid]
    cli('--os-compute-api-version', '2.26', 'server', 'unset', '--tag', tag,
        sid)
    listed = json.loads(cli('--os-compute-api-version', '2.26', 'server',
                            'list', '--tags', tag, '-f', 'json'))
    assert listed == []
    cli('server', 'delete', '--wait', sid)


def test_openstacksdk_keypairs_metadata_tags(endpoint, image_id):
    import openstack
    user = 'sdk-%s' % uuid.uuid4().hex[:8]
    conn = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': '%s:sdk-project' % user})
    keypair = conn.compute.create_keypair(name='sdk-key')
    assert keypair.private_key.startswith('-----BEGIN')
    line, fingerprint = _ssh_key()
    imported = conn.compute.create_keypair(name='sdk-imported',
                                           public_key=line)
    assert imported.fingerprint == fingerprint
    assert sorted(k.name for k in conn.compute.keypairs()) == [
        'sdk-imported', 'sdk-key']
    conn.compute.delete_keypair('sdk-imported')
    assert [k.name for k in conn.compute.keypairs()] == ['sdk-key']

    flavor = conn.compute.find_flavor('m1.tiny')
    server = conn.compute.create_server(
        name='sdk-meta-vm', flavor_id=flavor.id, image_id=image_id,
        networks='none', key_name='sdk-key')
    server = conn.compute.wait_for_server(server, wait=30, interval=0.2)
    assert server.key_name == 'sdk-key'
    conn.compute.set_server_metadata(server, a='1', b='2')
    assert conn.compute.get_server_metadata(server).metadata == {
        'a': '1', 'b': '2'}
    conn.compute.delete_server_metadata(server, ['a'])
    assert conn.compute.get_server_metadata(server).metadata == {'b': '2'}
    server = conn.compute.get_server(server)
    server.add_tag(conn.compute, 'sdk-tag')
    assert conn.compute.get_server(server).tags == ['sdk-tag']
    server.remove_tag(conn.compute, 'sdk-tag')
    assert conn.compute.get_server(server).tags == []
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=30, interval=0.2)
