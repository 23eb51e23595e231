"""shelve, unshelve, rescue, unrescue, backup, password and crash dump
through the unmodified openstack CLI."""
import json
import shutil

import pytest

from nova_core.db import images as db_images
from tests.functional.moves.helpers import wait_events

needs_cli = pytest.mark.skipif(shutil.which('openstack') is None,
                               reason='python-openstackclient missing')


@needs_cli
def test_cli_life_cycle(cli, admin, cloud):
    api = admin  # sees the server the CLI (noauth, no token) makes
    server = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                            '--image', 'fake-image', '--wait', '-f', 'json',
                            'cli-life'))['id']
    cli('server', 'shelve', '--wait', server)
    assert api.server(server)['status'] == 'SHELVED_OFFLOADED'
    cli('server', 'unshelve', '--wait', server)
    assert api.server(server)['status'] == 'ACTIVE'
    cli('server', 'rescue', server)
    api.wait_for(server, 'RESCUE')
    cli('server', 'unrescue', server)
    api.wait_for(server, 'ACTIVE')
    cli('server', 'backup', 'create', '--name', 'cli-backup', '--type',
        'daily', '--rotate', '1', '--wait', server)
    api.wait_for(server, 'ACTIVE')
    backups = [i for i in db_images.get_all()
               if i['properties'].get('instance_uuid') == server]
    assert [(i['name'], i['status']) for i in backups] == [
        ('cli-backup', 'active')]
    cli('server', 'set', '--password', 'n3w-pass', server)
    guest = cloud.services[1].manager.driver.guest
    assert guest(server)['admin_password'] == 'n3w-pass'
    cli('server', 'dump', 'create', server)
    assert wait_events(server, 'trigger_crash_dump', 1) == [
        ('compute_trigger_crash_dump', 'Success')]
    cli('server', 'delete', '--wait', server)
