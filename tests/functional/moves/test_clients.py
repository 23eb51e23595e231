"""rebuild, resize and createImage through the unmodified openstack CLI
and openstacksdk."""
import json
import shutil

import pytest

needs_cli = pytest.mark.skipif(shutil.which('openstack') is None,
                               reason='python-openstackclient missing')


@needs_cli
def test_cli_rebuild_resize_image(cli, admin, same_host):
    api = admin  # sees the server the CLI (noauth, no token) makes
    server = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                            '--image', 'fake-image', '--wait', '-f', 'json',
                            'cli-mover'))['id']
    cli('server', 'rebuild', '--image', 'fake-image', '--name', 'cli-new',
        '--wait', server)
    assert api.server(server)['name'] == 'cli-new'
    cli('server', 'resize', '--flavor', 'm1.small', '--wait', server)
    assert api.server(server)['status'] == 'VERIFY_RESIZE'
    cli('server', 'resize', 'confirm', server)
    assert api.wait_for(server, 'ACTIVE')['flavor']['original_name'] == \
        'm1.small'
    cli('server', 'resize', '--flavor', 'm1.medium', '--wait', server)
    cli('server', 'resize', 'revert', server)
    assert api.wait_for(server, 'ACTIVE')['flavor']['original_name'] == \
        'm1.small'
    image = json.loads(cli('server', 'image', 'create', '--wait', '--name',
                           'cli-snap', '-f', 'json', server))
    assert image['status'] == 'active'
    cli('image', 'delete', image['id'])
    cli('server', 'delete', '--wait', server)


def test_openstacksdk_rebuild_resize_image(endpoint, same_host, image_id):
    import openstack
    conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint})
    sdk_server = conn.compute.create_server(
        name='sdk-mover', flavor_id='1', image_id=image_id, networks='none')
    sdk_server = conn.compute.wait_for_server(sdk_server, wait=30,
                                              interval=0.2)
    conn.compute.rebuild_server(sdk_server, image=image_id, name='sdk-new')
    sdk_server = conn.compute.wait_for_server(sdk_server, wait=30,
                                              interval=0.2)
    assert sdk_server.name == 'sdk-new'
    conn.compute.resize_server(sdk_server, '2')
    conn.compute.wait_for_server(sdk_server, status='VERIFY_RESIZE',
                                 wait=30, interval=0.2)
    conn.compute.revert_server_resize(sdk_server)
    conn.compute.wait_for_server(sdk_server, wait=30, interval=0.2)
    conn.compute.resize_server(sdk_server, '2')
    conn.compute.wait_for_server(sdk_server, status='VERIFY_RESIZE',
                                 wait=30, interval=0.2)
    conn.compute.confirm_server_resize(sdk_server)
    sdk_server = conn.compute.wait_for_server(sdk_server, wait=30,
                                              interval=0.2)
    assert sdk_server.flavor.original_name == 'm1.small'
    image = conn.compute.create_server_image(sdk_server, 'sdk-snap',
                                             wait=True, timeout=30)
    assert conn.image.get_image(image).status == 'active'
    conn.image.delete_image(image)
    conn.compute.delete_server(sdk_server)
    conn.compute.wait_for_delete(sdk_server, wait=30, interval=0.2)



@needs_cli
def test_cli_live_migrate_and_evacuate(endpoint, admin, two_hosts):
    """``server migrate --live-migration`` and ``server evacuate`` as the
    openstack CLI sends them, as an administrator."""
    from nova_core.conf import CONF
    from tests.fixtures import openstack_cli
    from tests.functional.moves.helpers import HOST, SECOND, wait_migration
    cli = openstack_cli.runner(openstack_cli.environ(
        endpoint, OS_AUTH_TYPE='admin_token', OS_TOKEN='admin:admin'))
    server = json.loads(cli('--os-compute-api-version', '2.74', 'server',
                            'create', '--flavor', 'm1.tiny', '--image',
                            'fake-image', '--host', CONF.host, '--wait',
                            '-f', 'json', 'cli-live'))['id']
    two_hosts.booted.append(server)
    cli('--os-compute-api-version', '2.30', 'server', 'migrate',
        '--live-migration', '--host', SECOND, '--wait', server)
    assert admin.wait_for(server, 'ACTIVE')[HOST] == SECOND
    two_hosts.stop()
    # (no --wait: this CLI's wait compares 'active' with 'ACTIVE')
    cli('--os-compute-api-version', '2.29', 'server', 'evacuate', '--host',
        CONF.host, server)
    wait_migration(server, 'done')
    assert admin.wait_for(server, 'ACTIVE')[HOST] == CONF.host
    two_hosts.start()  # it destroys the guest evacuated away
    wait_migration(server, 'completed')
    cli('server', 'migrate', '--live-migration', '--wait', server)
    assert admin.wait_for(server, 'ACTIVE')[HOST] == SECOND
