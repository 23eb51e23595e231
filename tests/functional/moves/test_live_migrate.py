"""``os-migrateLive`` between two fake compute hosts in one process: every
microversion's body, the pre-checks Nova makes (answered at once before
2.34, recorded after) and what a refusal leaves unchanged."""
import pytest

from nova_core.conf import CONF
from nova_core.db import models, moves
from nova_core.db import services as db_services
from nova_core.db.session import transaction
from tests.fixtures.client import fault
from tests.functional.moves.helpers import (
    HOST,
    SECOND,
    bad_request,
    boot,
    boot_on,
    events,
    wait_events,
    wait_migration,
)

AUTO = {'host': None, 'block_migration': 'auto'}
CN = models.ComputeNode.__table__


def _live(admin, server_id, body, version='2.100'):
    return admin.as_user(version=version).post(
        '/servers/%s/action' % server_id, json={'os-migrateLive': body})


def _usage():
    return {n['host']: (n['vcpus_used'], n['memory_mb_used'],
                        n['local_gb_used'], n['running_vms'])
            for n in db_services.node_get_all()}


def _unchanged(admin, server_id, host, usage, migrations=()):
    server = admin.server(server_id)
    assert (server['status'], server['OS-EXT-STS:task_state'],
            server[HOST]) == ('ACTIVE', None, host)
    assert _usage() == usage
    assert [m['status'] for m in moves.get_all_by_instance(server_id)] == \
        list(migrations)


def test_live_migrate_moves_the_guest(two_hosts, admin, image_id):
    server_id = boot_on(admin, image_id, two_hosts.booted, CONF.host)
    before = _usage()
    resp = _live(admin, server_id, AUTO)
    assert resp.status_code == 202, resp.text
    assert resp.text == ''
    (migration,) = wait_migration(server_id, 'completed')
    admin.wait_for(server_id, 'ACTIVE')
    assert admin.server(server_id)[HOST] == SECOND
    assert (migration['migration_type'], migration['source_compute'],
            migration['dest_compute']) == ('live-migration', CONF.host,
                                           SECOND)
    # The claim moved with the guest.
    after = _usage()
    vcpus, ram, disk, vms = before[CONF.host]
    assert after[CONF.host][3] == vms - 1
    assert after[SECOND][3] == before[SECOND][3] + 1
    assert after[SECOND][1] - before[SECOND][1] == ram - after[CONF.host][1]
    (listed,) = admin.get('/os-migrations', params={
        'instance_uuid': server_id}).json()['migrations']
    assert (listed['migration_type'], listed['status']) == (
        'live-migration', 'completed')
    assert admin.get('/servers/%s/migrations' % server_id).json() == {
        'migrations': []}
    assert wait_events(server_id, 'live-migration', 4) == [
        ('conductor_live_migrate_instance', 'Success'),
        ('compute_live_migration', 'Success'),
        ('compute_pre_live_migration', 'Success'),
        ('compute_post_live_migration_at_destination', 'Success')]
    actions = admin.get('/servers/%s/os-instance-actions'
                        % server_id).json()['instanceActions']
    assert actions[0]['action'] == 'live-migration'
    # The guest runs on the other host, and goes with the server.
    assert admin.post('/servers/%s/action' % server_id,
                      json={'os-stop': None}).status_code == 202
    admin.wait_for(server_id, 'SHUTOFF')


def test_a_paused_server_stays_paused(two_hosts, admin, image_id):
    server_id = boot_on(admin, image_id, two_hosts.booted, SECOND)
    assert admin.post('/servers/%s/action' % server_id,
                      json={'pause': None}).status_code == 202
    admin.wait_for(server_id, 'PAUSED')
    resp = _live(admin, server_id, {'host': CONF.host,
                                    'block_migration': False})
    assert resp.status_code == 202, resp.text
    wait_migration(server_id, 'completed')
    server = admin.wait_for(server_id, 'PAUSED')
    assert server[HOST] == CONF.host


@pytest.mark.parametrize('version,body', [
    ('2.1', {'host': None, 'block_migration': False,
             'disk_over_commit': False}),
    ('2.24', {'host': SECOND, 'block_migration': 'true',
              'disk_over_commit': '0'}),
    ('2.25', {'host': None, 'block_migration': 'auto'}),
    ('2.29', {'host': SECOND, 'block_migration': True}),
    ('2.30', {'host': SECOND, 'block_migration': 'auto', 'force': True}),
    ('2.33', {'host': SECOND, 'block_migration': 'auto', 'force': False}),
    ('2.67', {'host': None, 'block_migration': 'auto', 'force': False}),
    ('2.68', {'host': SECOND, 'block_migration': 'auto'}),
])
def test_each_microversion_body(two_hosts, admin, image_id, version, body):
    server_id = boot_on(admin, image_id, two_hosts.booted, CONF.host)
    resp = _live(admin, server_id, body, version)
    assert resp.status_code == 202, resp.text
    wait_migration(server_id, 'completed')
    assert admin.wait_for(server_id, 'ACTIVE')[HOST] == SECOND


@pytest.mark.parametrize('version,body,message', [
    ('2.1', {'host': None, 'block_migration': False}, None),
    ('2.1', {'host': None, 'block_migration': 'auto',
             'disk_over_commit': False}, None),
    ('2.24', {'block_migration': False, 'disk_over_commit': False}, None),
    ('2.25', {'host': None, 'block_migration': 'auto',
              'disk_over_commit': False}, None),
    ('2.25', {'host': None, 'block_migration': 'sometimes'}, None),
    ('2.29', {'host': None, 'block_migration': 'auto', 'force': True},
     None),
    ('2.30', {'host': None, 'block_migration': 'auto', 'force': True},
     "Can't force to a non-provided destination"),
    ('2.30', {'host': None, 'block_migration': 'auto', 'force': 'x'}, None),
    ('2.68', {'host': None, 'block_migration': 'auto', 'force': False},
     None),
    ('2.100', {'host': 'a b', 'block_migration': 'auto'}, None),
    ('2.100', {'host': '', 'block_migration': 'auto'}, None),
    ('2.100', {'host': 'nohost', 'block_migration': 'auto'},
     'Compute host nohost could not be found.'),
    ('2.100', None, None),
])
def test_bad_bodies_change_nothing(admin, image_id, version, body, message):
    server_id = boot(admin, image_id, name='live-bad')
    try:
        usage = _usage()
        resp = _live(admin, server_id, body, version)
        assert resp.status_code == 400, resp.text
        if message:
            bad_request(resp, message)
        _unchanged(admin, server_id, CONF.host, usage)
    finally:
        admin.delete('/servers/%s' % server_id)


def test_same_host_before_and_after_2_34(admin, image_id):
    """A forced host that is the server's: 400 before 2.34 (Nova's
    synchronous pre-check); from 2.34 202, the migration in error and the
    server as it was."""
    server_id = boot(admin, image_id, name='live-self')
    try:
        usage = _usage()
        bad_request(_live(admin, server_id, {
            'host': CONF.host, 'block_migration': 'auto', 'force': True},
            '2.33'), 'Unable to migrate instance (%s) to current host (%s).'
            % (server_id, CONF.host))
        _unchanged(admin, server_id, CONF.host, usage, ['error'])
        resp = _live(admin, server_id, {'host': CONF.host,
                                        'block_migration': 'auto',
                                        'force': True}, '2.34')
        assert resp.status_code == 202, resp.text
        wait_migration(server_id, 'error')
        admin.wait_for(server_id, 'ACTIVE')
        _unchanged(admin, server_id, CONF.host, usage, ['error', 'error'])
        assert events(server_id)[-1] == (
            'live-migration', [('conductor_live_migrate_instance',
                                'Error')])
    finally:
        admin.delete('/servers/%s' % server_id)


def test_no_other_host(admin, image_id):
    server_id = boot(admin, image_id, name='live-alone')
    try:
        usage = _usage()
        bad_request(_live(admin, server_id, AUTO, '2.33'),
                    'No valid host was found. No compute host that can '
                    'live-migrate other than the current one.')
        _unchanged(admin, server_id, CONF.host, usage, ['error'])
    finally:
        admin.delete('/servers/%s' % server_id)


def test_destination_down_disabled_or_full(two_hosts, admin, image_id):
    server_id = boot_on(admin, image_id, two_hosts.booted, CONF.host)
    usage = _usage()
    forced = {'host': SECOND, 'block_migration': 'auto', 'force': True}
    scheduled = dict(forced, force=False)
    two_hosts.set_service(forced_down=True)
    bad_request(_live(admin, server_id, forced, '2.33'),
                'Compute service of %s is unavailable at this time.'
                % SECOND)
    two_hosts.set_service(forced_down=False, disabled=True)
    bad_request(_live(admin, server_id, scheduled, '2.33'),
                'No valid host was found. There are not enough hosts '
                'available.')
    two_hosts.set_service(disabled=False)
    with transaction() as session:
        session.execute(CN.update().where(CN.c.host == SECOND).values(
            memory_mb_used=CN.c.memory_mb * 100))
    try:
        full = _usage()
        bad_request(_live(admin, server_id, forced, '2.33'),
                    'Migration pre-check error: Unable to migrate %s to %s: '
                    'Lack of resources (vCPUs, memory or disk) on the host.'
                    % (server_id, SECOND))
        assert _usage() == full
    finally:
        with transaction() as session:
            session.execute(CN.update().where(CN.c.host == SECOND).values(
                memory_mb_used=usage[SECOND][1]))
    _unchanged(admin, server_id, CONF.host, usage, ['error'] * 3)


def test_driver_that_cannot_live_migrate(two_hosts, admin, image_id):
    """As the libvirt driver reports: refused at once, at any version."""
    server_id = boot_on(admin, image_id, two_hosts.booted, CONF.host)
    (node,) = db_services.node_get_all(host=CONF.host)
    caps = node['capabilities']
    with transaction() as session:
        session.execute(CN.update().where(CN.c.id == node['id']).values(
            capabilities=dict(caps, supports_live_migration=False)))
    try:
        usage = _usage()
        bad_request(_live(admin, server_id, AUTO),
                    'Migration pre-check error: The compute driver of host '
                    '%s does not support live migration.' % CONF.host)
        _unchanged(admin, server_id, CONF.host, usage)
    finally:
        with transaction() as session:
            session.execute(CN.update().where(CN.c.id == node['id']).values(
                capabilities=caps))


def test_only_active_or_paused(admin, image_id):
    server_id = boot(admin, image_id, name='live-stopped')
    try:
        assert admin.post('/servers/%s/action' % server_id,
                          json={'os-stop': None}).status_code == 202
        admin.wait_for(server_id, 'SHUTOFF')
        resp = _live(admin, server_id, AUTO)
        assert fault(resp) == (
            'conflictingRequest', 409, "Cannot 'os-migrateLive' instance %s "
            "while it is in vm_state stopped" % server_id)
        assert moves.get_all_by_instance(server_id) == []
    finally:
        admin.delete('/servers/%s' % server_id)


def test_admin_only(api, image_id):
    server_id = boot(api, image_id, name='live-user')
    try:
        resp = api.post('/servers/%s/action' % server_id,
                        json={'os-migrateLive': AUTO})
        assert fault(resp) == ('forbidden', 403, "Policy doesn't allow "
                               "os_compute_api:os-migrate-server:migrate_live"
                               " to be performed.")
    finally:
        api.delete('/servers/%s' % server_id)


def test_a_failed_move_rolls_back(two_hosts, admin, image_id, conf):
    """The source driver fails: the server stays ACTIVE where it was, the
    destination's claim is given back, the failure is in the events."""
    server_id = boot_on(admin, image_id, two_hosts.booted, CONF.host,
                        name='live-fails')
    usage = _usage()
    conf.config(group='fake', fail_operations=['live_migration'],
                fail_instance_names='^live-fails$')
    assert _live(admin, server_id, AUTO).status_code == 202
    wait_migration(server_id, 'error')
    admin.wait_for(server_id, 'ACTIVE')
    _unchanged(admin, server_id, CONF.host, usage, ['error'])
    found = wait_events(server_id, 'live-migration', 3)
    assert ('compute_live_migration', 'Error') in found
