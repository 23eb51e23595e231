"""What the rebuild, resize, snapshot and move tests share."""
import time

from nova_core.db import actions as db_actions
from nova_core.db import moves
from tests.fixtures.client import fault

#: The second compute host of the ``two_hosts`` fixture.
SECOND = 'compute-c'
HOST = 'OS-EXT-SRV-ATTR:host'


def boot(api, image_id, name='mover', flavor='1', status='ACTIVE'):
    server_id = api.boot(name, flavor=flavor, image=image_id)['id']
    api.wait_for(server_id, status)
    return server_id


def events(server_id):
    """[(action, [(event, result)])] oldest first."""
    return [(a['action'], [(e['event'], e['result']) for e in db_actions.get(
        server_id, a['request_id'])['events']])
        for a in reversed(db_actions.get_all(server_id))]


def wait_events(server_id, action, count, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        found = [e for a, e in events(server_id) if a == action]
        if found and len(found[-1]) >= count and all(
                r is not None for _, r in found[-1]):
            return found[-1]
        assert time.monotonic() < deadline, events(server_id)
        time.sleep(0.02)


def glance(api):
    return api.root + '/image/v2/images'


def conflict(response, action, server_id, attr, state):
    assert response.status_code == 409, response.text
    assert fault(response) == (
        'conflictingRequest', 409, "Cannot '%s' instance %s while it is in "
        "%s %s" % (action, server_id, attr, state))


def bad_request(response, message):
    assert response.status_code == 400, response.text
    assert fault(response) == ('badRequest', 400, message)


def boot_on(admin, image_id, booted, host, name='mover', **extra):
    """An admin's server placed on ``host`` (2.74's ``host``), recorded in
    ``booted`` for the cleanup."""
    server_id = admin.boot(name, image=image_id, host=host, **extra)['id']
    booted.append(server_id)
    admin.wait_for(server_id, 'ACTIVE')
    assert admin.server(server_id)[HOST] == host
    return server_id


def wait_migration(server_id, status, timeout=10):
    """The server's migrations once the newest is in ``status``."""
    deadline = time.monotonic() + timeout
    while True:
        found = moves.get_all_by_instance(server_id)
        if found and found[-1]['status'] == status:
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)
