"""``force_complete`` (2.22) and abort (2.24, in queue from 2.65) of a
live migration. The fake driver's live migrations end at once, so a
migration under way is recorded here directly, as the conductor would."""
import pytest

from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.states import task_states
from tests.fixtures.client import fault
from tests.functional.moves.helpers import bad_request, boot, wait_events


def _force(admin, server_id, migration_id, version='2.100', body=None):
    return admin.as_user(version=version).post(
        '/servers/%s/migrations/%s/action' % (server_id, migration_id),
        json=body or {'force_complete': None})


def _abort(admin, server_id, migration_id, version='2.100'):
    return admin.as_user(version=version).delete(
        '/servers/%s/migrations/%s' % (server_id, migration_id))


@pytest.fixture
def server(admin, image_id):
    server_id = boot(admin, image_id, name='live-actions')
    yield server_id
    admin.delete('/servers/%s' % server_id)


@pytest.fixture
def migrating(server):
    """The server with a live migration recorded as ``queued``, with its
    owner as the conductor records one (the cloud is shared: other tests
    list every migration and check them against Tempest's schemas)."""
    instance = db_instances.get(server)
    migration = moves.create({
        'instance_uuid': server, 'source_compute': instance['host'],
        'source_node': instance['node'], 'old_flavor': instance['flavor'],
        'new_flavor': instance['flavor'], 'status': 'queued',
        'migration_type': 'live-migration',
        'user_id': instance['user_id'],
        'project_id': instance['project_id']})
    db_instances.update(server, {'task_state': task_states.MIGRATING})
    yield server, migration
    try:
        db_instances.update(server, {'task_state': None})
    except Exception:  # noqa: BLE001 - the server may be gone
        pass


def test_not_migrating_is_409(admin, server):
    assert fault(_force(admin, server, 1)) == (
        'conflictingRequest', 409, "Cannot 'force_complete' instance %s "
        "while it is in task_state None" % server)
    assert fault(_abort(admin, server, 1)) == (
        'conflictingRequest', 409, "Cannot 'abort live migration' instance "
        "%s while it is in task_state None" % server)


@pytest.mark.parametrize('call,version', [(_force, '2.21'),
                                          (_abort, '2.23')])
def test_before_their_microversion_404(admin, server, call, version):
    assert call(admin, server, 1, version).status_code == 404


def test_force_complete_needs_a_running_migration(admin, migrating):
    server_id, migration = migrating
    bad_request(_force(admin, server_id, migration['id']),
                'Migration %s state of instance %s is queued. Cannot force '
                'complete while the migration is in this state.'
                % (migration['id'], server_id))
    bad_request(_force(admin, server_id, 999999),
                'Migration 999999 not found for instance %s' % server_id)
    resp = _force(admin, server_id, migration['id'],
                  body={'force_complete': {}})
    assert resp.status_code == 400, resp.text
    assert moves.get(migration['id'])['status'] == 'queued'


def test_abort_in_queue_from_2_65(admin, migrating):
    server_id, migration = migrating
    bad_request(_abort(admin, server_id, migration['id'], '2.64'),
                'Migration %s state of instance %s is queued. Cannot abort '
                'live migration while the migration is in this state.'
                % (migration['id'], server_id))
    resp = _abort(admin, server_id, 'x1')
    assert fault(resp) == ('itemNotFound', 404, 'Migration x1 not found for '
                           'instance %s' % server_id)
    assert moves.get(migration['id'])['status'] == 'queued'
    resp = _abort(admin, server_id, migration['id'], '2.65')
    assert resp.status_code == 202, resp.text
    assert moves.get(migration['id'])['status'] == 'cancelled'
    assert admin.server(server_id)['OS-EXT-STS:task_state'] is None


def test_running_migration_goes_to_its_host(admin, migrating):
    server_id, migration = migrating
    moves.set_status(migration['id'], 'running')
    assert _force(admin, server_id, migration['id']).status_code == 202
    assert wait_events(server_id, 'live_migration_force_complete', 1) == [
        ('compute_live_migration_force_complete', 'Success')]
    assert _abort(admin, server_id, migration['id']).status_code == 202
    assert wait_events(server_id, 'live_migration_cancel', 1) == [
        ('compute_live_migration_abort', 'Success')]
    (shown,) = admin.get('/servers/%s/migrations' % server_id).json()[
        'migrations']
    assert (shown['id'], shown['status']) == (migration['id'], 'running')


def test_admin_only(api, image_id):
    server_id = boot(api, image_id, name='live-actions-user')
    try:
        assert _force(api, server_id, 1).status_code == 403
        assert _abort(api, server_id, 1).status_code == 403
    finally:
        api.delete('/servers/%s' % server_id)
