"""lock/unlock, reset state, restore and force delete through the unmodified
``openstack`` CLI and openstacksdk."""
import json
import shutil
import uuid

import pytest

from nova_core.db import instances as db_instances
from tests.fixtures import openstack_cli
from tests.fixtures.conf import ConfFixture

pytestmark = pytest.mark.skipif(shutil.which('openstack') is None,
                                reason='python-openstackclient missing')


def _runner(env):
    run = openstack_cli.runner(env)

    def confirmed(*args, expect_ok=True, answer='y\n'):
        # ``server set --state`` asks for confirmation first.
        return run(*args, expect_ok=expect_ok, answer=answer)
    return confirmed


def _env(endpoint, **auth):
    return openstack_cli.environ(endpoint, OS_COMPUTE_API_VERSION='2.73',
                                 **auth)


@pytest.fixture
def cli(endpoint):
    return _runner(_env(endpoint, OS_AUTH_TYPE='none'))


@pytest.fixture
def admin_cli(endpoint):
    return _runner(_env(endpoint, OS_AUTH_TYPE='admin_token',
                        OS_TOKEN='admin:admin'))


@pytest.fixture
def soft_delete():
    conf = ConfFixture()
    conf.config(reclaim_instance_interval=3600)
    yield
    conf.cleanup()


def _name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def test_cli_lock_unlock_set_state_restore(cli, admin_cli, soft_delete):
    server = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                            '--image', 'fake-image', '--wait', '-f', 'json',
                            _name('cli-lock')))['id']
    cli('server', 'lock', '--reason', 'x', server)
    shown = json.loads(cli('server', 'show', '-f', 'json', server))
    assert (shown['locked'], shown['locked_reason']) == (True, 'x')
    refused = cli('server', 'stop', server, expect_ok=False)
    assert refused.returncode != 0 and 'is locked' in refused.stderr
    cli('server', 'unlock', server)
    shown = json.loads(cli('server', 'show', '-f', 'json', server))
    assert (shown['locked'], shown['locked_reason']) == (False, None)

    refused = cli('server', 'set', '--state', 'error', server,
                  expect_ok=False)
    assert refused.returncode != 0 and 'reset_state' in refused.stderr
    admin_cli('server', 'set', '--state', 'error', server)
    assert json.loads(cli('server', 'show', '-f', 'json', server)
                      )['status'] == 'ERROR'
    admin_cli('server', 'set', '--state', 'active', server)

    cli('server', 'delete', server)
    _wait_status(cli, server, 'SOFT_DELETED')
    cli('server', 'restore', server)
    _wait_status(cli, server, 'ACTIVE')
    cli('server', 'delete', '--force', '--wait', server)
    assert db_instances.get(server, read_deleted='yes')['deleted']


def _wait_status(cli, server, status, timeout=15):
    import time
    deadline = time.monotonic() + timeout
    while True:
        shown = json.loads(cli('server', 'show', '-f', 'json', server))
        if shown['status'] == status and not shown['OS-EXT-STS:task_state']:
            return shown
        assert time.monotonic() < deadline, shown['status']
        time.sleep(0.1)


def test_openstacksdk_lock_reset_restore_force_delete(endpoint, soft_delete):
    import openstack
    conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint})
    admin = openstack.connect(auth_type='admin_token', auth={
        'endpoint': endpoint, 'token': 'admin:admin'})
    flavor = conn.compute.find_flavor('m1.tiny')
    image = conn.image.find_image('fake-image')
    server = conn.compute.create_server(name=_name('sdk-lock'),
                                        flavor_id=flavor.id,
                                        image_id=image.id, networks='none')
    server = conn.compute.wait_for_server(server, wait=30, interval=0.2)

    conn.compute.lock_server(server, locked_reason='sdk')
    server = conn.compute.get_server(server)
    assert (server.is_locked, server.locked_reason) == (True, 'sdk')
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.reboot_server(server, 'SOFT')
    conn.compute.unlock_server(server)
    assert conn.compute.get_server(server).is_locked is False

    with pytest.raises(openstack.exceptions.ForbiddenException):
        conn.compute.reset_server_state(server, 'error')
    admin.compute.reset_server_state(server, 'error')
    assert conn.compute.get_server(server).status == 'ERROR'
    admin.compute.reset_server_state(server, 'active')

    conn.compute.delete_server(server)
    conn.compute.wait_for_server(server, status='SOFT_DELETED', wait=30,
                                 interval=0.2)
    conn.compute.restore_server(server)
    conn.compute.wait_for_server(server, status='ACTIVE', wait=30,
                                 interval=0.2)
    conn.compute.delete_server(server)
    conn.compute.wait_for_server(server, status='SOFT_DELETED', wait=30,
                                 interval=0.2)
    conn.compute.delete_server(server, force=True)  # forceDelete
    conn.compute.wait_for_delete(server, wait=30, interval=0.2)
