"""The unmodified ``openstack`` CLI and openstacksdk against nova-core-all."""
import json
import os
import shutil

import pytest

from tests.fixtures import openstack_cli

pytestmark = pytest.mark.skipif(shutil.which('openstack') is None,
                                reason='python-openstackclient missing')


@pytest.fixture
def cli(endpoint):
    return openstack_cli.runner(openstack_cli.environ(endpoint,
                                                      OS_AUTH_TYPE='none'))


@pytest.fixture
def admin_cli(endpoint):
    """noauth2 reads the token as user:project; admin_token sends ours."""
    return openstack_cli.runner(openstack_cli.environ(
        endpoint, OS_AUTH_TYPE='admin_token', OS_TOKEN='admin:admin'))


def test_compute_service_list_and_set(admin_cli):
    services = json.loads(admin_cli('compute', 'service', 'list', '-f',
                                    'json'))
    compute = [s for s in services if s['Binary'] == 'nova-compute'][0]
    assert compute['State'] == 'up'
    try:
        admin_cli('compute', 'service', 'set', '--disable',
                  '--disable-reason', 'cli test', compute['Host'],
                  'nova-compute')
        services = json.loads(admin_cli('compute', 'service', 'list',
                                        '--long', '-f', 'json'))
        row = [s for s in services if s['Binary'] == 'nova-compute'][0]
        assert (row['Status'], row['Disabled Reason']) == ('disabled',
                                                           'cli test')
    finally:
        admin_cli('compute', 'service', 'set', '--enable', compute['Host'],
                  'nova-compute')


def test_server_lifecycle_with_cli(cli):
    created = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                             '--image', 'fake-image', '--wait', '-f', 'json',
                             'cli-vm'))
    assert created['status'] == 'ACTIVE'
    listed = json.loads(cli('server', 'list', '-f', 'json'))
    row = [r for r in listed if r['ID'] == created['id']][0]
    assert (row['Name'], row['Status'], row['Image'], row['Flavor']) == (
        'cli-vm', 'ACTIVE', 'fake-image', 'm1.tiny')
    shown = json.loads(cli('server', 'show', '-f', 'json', created['id']))
    assert shown['name'] == 'cli-vm'
    events = json.loads(cli('server', 'event', 'list', '-f', 'json',
                            created['id']))
    assert [e['Action'] for e in events] == ['create']
    cli('server', 'delete', '--wait', created['id'])
    listed = json.loads(cli('server', 'list', '-f', 'json'))
    assert created['id'] not in [r['ID'] for r in listed]


def test_flavor_and_image_lists_with_cli(cli):
    flavors = json.loads(cli('flavor', 'list', '-f', 'json'))
    assert {'m1.tiny', 'm1.small', 'm1.medium', 'm1.large'} <= {
        f['Name'] for f in flavors}
    images = json.loads(cli('image', 'list', '-f', 'json'))
    assert 'fake-image' in [i['Name'] for i in images]


def test_openstacksdk(endpoint):
    import openstack
    conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint})
    flavor = conn.compute.find_flavor('m1.tiny')
    image = conn.image.find_image('fake-image')
    server = conn.compute.create_server(name='sdk-vm', flavor_id=flavor.id,
                                        image_id=image.id, networks='none')
    server = conn.compute.wait_for_server(server, wait=30, interval=0.2)
    assert server.status == 'ACTIVE'
    assert server.name in [s.name for s in conn.compute.servers()]
    conn.compute.stop_server(server)
    conn.compute.wait_for_server(server, status='SHUTOFF', wait=30,
                                 interval=0.2)
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=30, interval=0.2)


def test_image_create_with_file(cli, tmp_path):
    import hashlib
    data = os.urandom(200000)
    path = tmp_path / 'disk.raw'
    path.write_bytes(data)
    created = json.loads(cli('image', 'create', '--file', str(path),
                             '--disk-format', 'raw', '--container-format',
                             'bare', '-f', 'json', 'cli-image'))
    assert created['status'] == 'active'
    assert created['checksum'] == hashlib.md5(data).hexdigest()
    cli('image', 'delete', created['id'])


def test_hypervisor_list(admin_cli):
    hypervisors = json.loads(admin_cli('hypervisor', 'list', '-f', 'json'))
    assert [h['State'] for h in hypervisors] == ['up']


def test_services_and_hypervisors_with_openstacksdk(endpoint):
    import openstack
    conn = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'admin:admin'})
    compute = conn.compute
    service = [s for s in compute.services()
               if s.binary == 'nova-compute'][0]
    assert (service.state, service.status) == ('up', 'enabled')
    try:
        compute.disable_service(service, service.host, service.binary,
                                disabled_reason='sdk test')
        service = [s for s in compute.services() if s.id == service.id][0]
        assert (service.status, service.disabled_reason) == ('disabled',
                                                             'sdk test')
    finally:
        compute.enable_service(service, service.host, service.binary)
    assert [s.status for s in compute.services()
            if s.binary == 'nova-compute'] == ['enabled']
    (hypervisor,) = list(compute.hypervisors(details=True))
    assert hypervisor.state == 'up'
    assert compute.get_hypervisor(hypervisor.id).name == hypervisor.name
