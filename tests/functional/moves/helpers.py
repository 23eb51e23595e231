"""What the rebuild, resize and snapshot tests share."""
import time

from nova_core.db import actions as db_actions
from tests.fixtures.client import fault


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
