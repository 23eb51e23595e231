"""``GET /os-migrations`` over the migrations resizes record: the fields
and paging of each microversion, the filters, and bad input (400)."""
import json
import shutil

import pytest

from nova_core.db import instances as db_instances
from nova_core.db import moves
from tests.fixtures import openstack_cli
from tests.fixtures.client import fault
from tests.functional.moves.helpers import bad_request, boot

needs_cli = pytest.mark.skipif(shutil.which('openstack') is None,
                               reason='python-openstackclient missing')
BASE = {'id', 'status', 'instance_uuid', 'source_node', 'source_compute',
        'dest_node', 'dest_compute', 'dest_host', 'old_instance_type_id',
        'new_instance_type_id', 'created_at', 'updated_at'}


@pytest.fixture
def resized(api, image_id, same_host):
    """Two servers resized and confirmed: two migrations, oldest first."""
    ids = []
    for name in ('listed-a', 'listed-b'):
        server_id = boot(api, image_id, name=name)
        api.post('/servers/%s/action' % server_id,
                 json={'resize': {'flavorRef': '2'}})
        api.wait_for(server_id, 'VERIFY_RESIZE')
        api.post('/servers/%s/action' % server_id,
                 json={'confirmResize': None})
        api.wait_for(server_id, 'ACTIVE')
        ids.append(server_id)
    yield ids
    for server_id in ids:
        api.delete('/servers/%s' % server_id)


def _listed(admin, version, **params):
    resp = admin.as_user(version=version).get('/os-migrations',
                                              params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize('version,extra', [
    ('2.1', set()),
    ('2.23', {'migration_type'}),
    ('2.59', {'migration_type', 'uuid'}),
    ('2.80', {'migration_type', 'uuid', 'user_id', 'project_id'}),
])
def test_fields_by_microversion(admin, resized, version, extra):
    mine = [m for m in _listed(admin, version)['migrations']
            if m['instance_uuid'] in resized]
    assert len(mine) == 2
    assert set(mine[0]) == BASE | extra
    assert mine[0]['status'] == 'confirmed'
    assert mine[0]['old_instance_type_id'] != mine[0]['new_instance_type_id']
    if 'migration_type' in extra:
        assert mine[0]['migration_type'] == 'resize'


def test_order_and_paging(admin, resized):
    old = [m['instance_uuid'] for m in _listed(admin, '2.58')['migrations']]
    assert old.index(resized[0]) < old.index(resized[1])  # oldest first
    first = _listed(admin, '2.59', limit=1)
    assert [m['instance_uuid'] for m in first['migrations']] == [resized[1]]
    (link,) = first['migrations_links']
    assert link['rel'] == 'next' and 'marker=%s' % (
        first['migrations'][0]['uuid']) in link['href']
    second = _listed(admin, '2.59', limit=1,
                     marker=first['migrations'][0]['uuid'])
    assert [m['instance_uuid'] for m in second['migrations']] == [
        resized[0]]
    assert _listed(admin, '2.59', limit=0)['migrations'] == []


def test_filters(admin, api, resized):
    one = _listed(admin, '2.80', instance_uuid=resized[0])['migrations']
    assert [m['instance_uuid'] for m in one] == [resized[0]]
    host = one[0]['source_compute']
    assert _listed(admin, '2.80', instance_uuid=resized[0], host='nohost',
                   )['migrations'] == []
    assert len(_listed(admin, '2.80', instance_uuid=resized[0],
                       host=host)['migrations']) == 1
    assert _listed(admin, '2.80', instance_uuid=resized[0],
                   status='error')['migrations'] == []
    assert _listed(admin, '2.80', instance_uuid=resized[0],
                   migration_type='live-migration')['migrations'] == []
    assert _listed(admin, '2.80', instance_uuid=resized[0],
                   hidden='1')['migrations'] == []
    assert _listed(admin, '2.80', instance_uuid=resized[0],
                   project_id='other')['migrations'] == []
    assert len(_listed(admin, '2.80', instance_uuid=resized[0],
                       user_id=one[0]['user_id'])['migrations']) == 1
    assert _listed(admin, '2.66', instance_uuid=resized[0],
                   **{'changes-before': '2000-01-01T00:00:00Z'},
                   )['migrations'] == []
    assert len(_listed(admin, '2.59', instance_uuid=resized[0],
                       **{'changes-since': '2000-01-01T00:00:00Z'},
                       )['migrations']) == 1
    # Before 2.59 unknown parameters (changes-since, user_id) are ignored.
    assert len(_listed(admin, '2.58', instance_uuid=resized[0],
                       user_id='other')['migrations']) == 1
    assert len(_listed(admin, '2.58', instance_uuid=resized[0], foo='x',
                       **{'changes-since': '2999-01-01T00:00:00Z'},
                       )['migrations']) == 1


@pytest.mark.parametrize('version,params,message', [
    ('2.59', {'limit': 'x'}, None),
    ('2.59', {'limit': '-1'}, None),
    ('2.59', {'marker': 'nosuch'}, 'Marker nosuch could not be found.'),
    ('2.59', {'marker': 'nosuch', 'hidden': '1'},
     'Marker nosuch could not be found.'),
    ('2.59', {'foo': '1'}, None),
    ('2.59', {'changes-since': 'yesterday'}, None),
    ('2.59', {'changes-before': '2000-01-01T00:00:00Z'}, None),
    ('2.66', {'changes-since': '2001-01-01T00:00:00Z',
              'changes-before': '2000-01-01T00:00:00Z'},
     'The value of changes-since must be less than or equal to '
     'changes-before.'),
    ('2.79', {'user_id': 'u'}, None),
])
def test_bad_queries(admin, version, params, message):
    resp = admin.as_user(version=version).get('/os-migrations',
                                              params=params)
    if message:
        bad_request(resp, message)
    else:
        assert resp.status_code == 400, resp.text
        assert fault(resp)[:2] == ('badRequest', 400)


def test_admin_only(api):
    resp = api.get('/os-migrations')
    assert resp.status_code == 403, resp.text
    assert fault(resp) == ('forbidden', 403, "Policy doesn't allow "
                           "os_compute_api:os-migrations:index to be "
                           "performed.")


@pytest.fixture
def live(api, image_id):
    """A server with a live migration under way, recorded as Nova records
    one (the fake driver's end at once: the rows are the test's; the
    destination is no host, so the delete gives back no claim)."""
    server_id = boot(api, image_id, name='live')
    flavor = db_instances.get(server_id)['flavor']
    server = moves.create({
        'instance_uuid': server_id, 'migration_type': 'live-migration',
        'status': 'running', 'source_compute': 'src', 'source_node': 'src',
        'dest_compute': 'dst', 'dest_node': 'dst', 'old_flavor': flavor,
        'new_flavor': flavor, 'user_id': 'u', 'project_id': 'p'})
    done = moves.create({
        'instance_uuid': server_id, 'migration_type': 'live-migration',
        'status': 'completed', 'old_flavor': None, 'new_flavor': None,
        'user_id': 'u', 'project_id': 'p'})
    yield server_id, server, done
    api.delete('/servers/%s' % server_id)


def test_server_migrations_show_live_ones_under_way(admin, live):
    server_id, running, done = live
    path = '/servers/%s/migrations' % server_id
    listed = admin.get(path).json()['migrations']
    assert [m['id'] for m in listed] == [running['id']]
    assert listed[0]['server_uuid'] == server_id
    assert listed[0]['uuid'] == running['uuid']
    assert listed[0]['project_id'] == 'p'
    shown = admin.get('%s/%s' % (path, running['id'])).json()['migration']
    assert shown == listed[0]
    assert 'uuid' not in admin.as_user(version='2.58').get(path).json()[
        'migrations'][0]
    (linked,) = [m for m in admin.get('/os-migrations', params={
        'instance_uuid': server_id}).json()['migrations'] if 'links' in m]
    assert linked['id'] == running['id']
    assert linked['links'][0]['href'].endswith('%s/%s' % (path,
                                                          running['id']))
    for missing in (done['id'], 'x', '99999999999999'):
        resp = admin.get('%s/%s' % (path, missing))
        assert fault(resp) == ('itemNotFound', 404, 'In-progress live '
                               'migration %s is not found for server %s.'
                               % (missing, server_id))


def test_server_migrations_rules(admin, api, live):
    server_id, running, _ = live
    path = '/servers/%s/migrations' % server_id
    assert admin.as_user(version='2.22').get(path).status_code == 404
    assert api.get(path).status_code == 403
    assert api.get('%s/%s' % (path, running['id'])).status_code == 403
    assert admin.get('/servers/nosuch/migrations').status_code == 404


def test_resize_is_no_server_migration(admin, resized):
    assert admin.get('/servers/%s/migrations' % resized[0]).json() == {
        'migrations': []}


@needs_cli
def test_cli_server_migration_list(endpoint, resized):
    with openstack_cli.identity_endpoint() as identity:
        cli = openstack_cli.runner(openstack_cli.environ(
            endpoint, OS_AUTH_TYPE='admin_token', OS_TOKEN='admin:admin',
            OS_IDENTITY_ENDPOINT_OVERRIDE=identity))
        listed = json.loads(cli('server', 'migration', 'list', '-f',
                                'json'))
    mine = [m for m in listed if m.get('Server UUID') in resized or
            m.get('Instance UUID') in resized]
    assert len(mine) == 2, listed
    assert {m['Status'] for m in mine} == {'confirmed'}
