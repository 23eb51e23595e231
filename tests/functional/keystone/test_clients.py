"""The unmodified ``openstack`` CLI and openstacksdk through Keystone's
catalog: password auth from a clouds.yaml, no endpoint given."""
import json
import shutil

import pytest

from tests.fixtures import openstack_cli

pytestmark = pytest.mark.skipif(shutil.which('openstack') is None,
                                reason='python-openstackclient missing')


@pytest.fixture(scope='module')
def cli(ks_cloud):
    """``cli(cloud)(*args)``: the CLI as one of clouds.yaml's clouds."""
    return lambda cloud: openstack_cli.runner(ks_cloud.cli_env(cloud))


def _json(run, *args):
    return json.loads(run(*args, '-f', 'json'))


def test_readme_commands_as_demo(cli):
    run = cli('nova-core')
    created = _json(run, 'server', 'create', '--flavor', 'm1.tiny',
                    '--image', 'fake-image', '--wait', 'ks-vm1')
    assert created['status'] == 'ACTIVE'
    assert 'ks-vm1' in [s['Name'] for s in _json(run, 'server', 'list')]
    assert _json(run, 'server', 'show', 'ks-vm1')['name'] == 'ks-vm1'
    run('server', 'stop', 'ks-vm1')
    run('server', 'reboot', '--hard', '--wait', 'ks-vm1')
    run('server', 'resize', '--flavor', 'm1.small', '--wait', 'ks-vm1')
    run('server', 'resize', 'confirm', 'ks-vm1')
    run('server', 'lock', '--reason', 'maintenance', 'ks-vm1')
    run('server', 'unlock', 'ks-vm1')
    # the snapshot's data travels compute -> image API with the user's
    # token and the nova service token
    run('server', 'image', 'create', '--wait', '--name', 'ks-vm1-snap',
        'ks-vm1')
    images = {i['Name']: i for i in _json(run, 'image', 'list')}
    assert {'fake-image', 'ks-vm1-snap'} <= set(images)
    assert 'booted' in run('console', 'log', 'show', 'ks-vm1')
    assert 'PRIVATE KEY' in run('keypair', 'create', 'ks-key')
    run('keypair', 'delete', 'ks-key')
    run('server', 'delete', '--wait', 'ks-vm1')
    run('image', 'delete', 'ks-vm1-snap')
    assert 'm1.tiny' in [f['Name'] for f in _json(run, 'flavor', 'list')]


def test_admin_commands(cli, ks_cloud):
    admin, alice = cli('nova-core-admin'), cli('alice')
    mine = _json(alice, 'server', 'create', '--flavor', 'm1.tiny',
                 '--image', 'fake-image', '--wait', 'ks-alice-vm')
    listed = _json(admin, 'server', 'list', '--all-projects')
    assert mine['id'] in [s['ID'] for s in listed]
    admin('keypair', 'create', '--user', 'alice', 'ks-alice-key')
    assert 'ks-alice-key' in [k['Name'] for k in
                              _json(admin, 'keypair', 'list', '--user',
                                    'alice')]
    assert 'ks-alice-key' in [k['Name'] for k in
                              _json(alice, 'keypair', 'list')]
    admin('keypair', 'delete', '--user', 'alice', 'ks-alice-key')
    flavor = _json(admin, 'flavor', 'create', '--private', '--project',
                   'alpha', '--ram', '256', '--disk', '1', '--vcpus', '1',
                   'ks-private')
    assert 'ks-private' in [f['Name'] for f in
                            _json(alice, 'flavor', 'list', '--all')]
    assert 'ks-private' not in [f['Name'] for f in
                                _json(cli('bob'), 'flavor', 'list', '--all')]
    admin('flavor', 'delete', flavor['id'])
    admin('quota', 'set', '--instances', '7', 'beta')
    quota = _json(admin, 'quota', 'show', 'beta')
    rows = quota if isinstance(quota, list) else [
        {'Resource': k, 'Limit': v} for k, v in quota.items()]
    assert {'Resource': 'instances', 'Limit': 7} in [
        {'Resource': r['Resource'], 'Limit': r['Limit']} for r in rows]
    services = _json(admin, 'compute', 'service', 'list')
    host = [s for s in services if s['Binary'] == 'nova-compute'][0]['Host']
    admin('compute', 'service', 'set', '--disable', host, 'nova-compute')
    admin('compute', 'service', 'set', '--enable', host, 'nova-compute')
    assert [h['State'] for h in _json(admin, 'hypervisor', 'list')] == ['up']
    alice('server', 'delete', '--wait', mine['id'])


def test_members_get_403_on_admin_commands_and_404_across_projects(cli):
    alice, bob = cli('alice'), cli('bob')
    mine = _json(alice, 'server', 'create', '--flavor', 'm1.tiny',
                 '--image', 'fake-image', 'ks-private-vm')
    result = bob('server', 'show', mine['id'], expect_ok=False)
    assert result.returncode != 0
    assert 'No Server found for %s' % mine['id'] in result.stderr
    result = alice('hypervisor', 'list', expect_ok=False)
    assert result.returncode != 0 and '403' in result.stderr
    alice('server', 'delete', '--wait', mine['id'])


def test_openstacksdk_from_clouds_yaml(ks_cloud, monkeypatch):
    import openstack
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', ks_cloud.clouds_yaml)
    conn = openstack.connect(cloud='bob')
    flavor = conn.compute.find_flavor('m1.tiny')
    image = conn.image.find_image('fake-image')
    server = conn.compute.create_server(name='ks-sdk-vm', flavor_id=flavor.id,
                                        image_id=image.id, networks='none')
    server = conn.compute.wait_for_server(server, wait=60, interval=0.3)
    assert server.status == 'ACTIVE'
    assert server.project_id == ks_cloud.ids['beta']
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=60, interval=0.3)


def test_openstacksdk_create_server_wait_through_the_catalog(ks_cloud,
                                                            monkeypatch):
    """The cloud layer's create_server(wait=True), as Ansible's
    openstack.cloud.server calls it (auto_ip by default), finding
    nova-core through Keystone's catalog, which lists no network service:
    clouds.yaml's ``floating_ip_source: None`` keeps openstacksdk from
    looking for a nova-network floating IP pool."""
    import openstack
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', ks_cloud.clouds_yaml)
    conn = openstack.connect(cloud='bob')
    server = conn.create_server('ks-sdk-wait', image='fake-image',
                                flavor='m1.tiny', wait=True, timeout=60)
    try:
        assert server.status == 'ACTIVE'
        (address,) = server.addresses['private']
        assert address['addr'].startswith('10.0.0.')
        assert server.private_v4 == address['addr']
    finally:
        assert conn.delete_server(server.id, wait=True, timeout=60)
