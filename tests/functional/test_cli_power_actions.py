"""The power actions and the console log through the unmodified
``openstack`` CLI and openstacksdk's ``conn.compute`` proxy."""
import json
import time

import pytest

from tests.functional.test_openstack_clients import cli  # noqa: F401


def _status(run, server_id):
    return json.loads(run('server', 'show', '-f', 'json',
                          server_id))['status']


@pytest.fixture
def cli_server(cli):  # noqa: F811
    created = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                             '--image', 'fake-image', '--wait', '-f', 'json',
                             'cli-power-vm'))
    yield created['id']
    cli('server', 'delete', '--wait', created['id'])


def test_power_actions_with_cli(cli, cli_server):  # noqa: F811
    for args, status in ((('server', 'reboot', '--hard', '--wait'),
                          'ACTIVE'),
                         (('server', 'reboot', '--soft', '--wait'),
                          'ACTIVE'),
                         (('server', 'stop'), 'SHUTOFF'),
                         (('server', 'start'), 'ACTIVE'),
                         (('server', 'pause'), 'PAUSED'),
                         (('server', 'unpause'), 'ACTIVE'),
                         (('server', 'suspend'), 'SUSPENDED'),
                         (('server', 'resume'), 'ACTIVE')):
        cli(*args, cli_server)
        _wait_status(cli, cli_server, status)
    events = json.loads(cli('server', 'event', 'list', '-f', 'json',
                            cli_server))
    assert sorted(e['Action'] for e in events) == sorted(
        ['create', 'reboot', 'reboot', 'stop', 'start', 'pause', 'unpause',
         'suspend', 'resume'])


def _wait_status(run, server_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        current = _status(run, server_id)
        if current == status:
            return
        assert time.monotonic() < deadline, (current, status)
        time.sleep(0.2)


def test_console_log_with_cli(cli, cli_server):  # noqa: F811
    output = cli('console', 'log', 'show', cli_server)
    assert output.strip()
    tail = cli('console', 'log', 'show', '--lines', '1', cli_server)
    assert len(tail.strip().splitlines()) == 1


def _settled(compute, server, status, timeout=30):
    """The server once in ``status`` with no task running (the SDK's
    wait_for_server returns at once when its stale copy already shows
    ``status``, as it does right after a reboot is accepted)."""
    deadline = time.monotonic() + timeout
    while True:
        server = compute.get_server(server)
        if server.status == status and server.task_state is None:
            return server
        assert time.monotonic() < deadline, (server.status,
                                             server.task_state)
        time.sleep(0.2)


def test_power_actions_with_openstacksdk(endpoint):
    import openstack
    conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint})
    compute = conn.compute
    flavor = compute.find_flavor('m1.tiny')
    image = conn.image.find_image('fake-image')
    server = compute.create_server(name='sdk-power-vm', flavor_id=flavor.id,
                                   image_id=image.id, networks='none')
    try:
        server = compute.wait_for_server(server, wait=30, interval=0.2)
        for method, args, status in (
                ('reboot_server', ('HARD',), 'ACTIVE'),
                ('stop_server', (), 'SHUTOFF'),
                ('start_server', (), 'ACTIVE'),
                ('pause_server', (), 'PAUSED'),
                ('unpause_server', (), 'ACTIVE'),
                ('suspend_server', (), 'SUSPENDED'),
                ('resume_server', (), 'ACTIVE')):
            getattr(compute, method)(server, *args)
            server = _settled(compute, server, status)
        output = compute.get_server_console_output(server, length=1)
        assert len(output['output'].splitlines()) == 1
        actions = [a.action for a in compute.server_actions(server)]
        assert sorted(actions) == sorted(
            ['create', 'reboot', 'stop', 'start', 'pause', 'unpause',
             'suspend', 'resume'])
    finally:
        compute.delete_server(server)
        compute.wait_for_delete(server, wait=30, interval=0.2)
