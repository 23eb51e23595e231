"""``GET /os-migrations`` over the migrations resizes record: the fields
and paging of each microversion, the filters, and bad input (400)."""
import pytest

from tests.fixtures.client import fault
from tests.functional.moves.helpers import bad_request, boot

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
    # Before 2.59 unknown parameters (and changes-since) are ignored.
    assert len(_listed(admin, '2.58', instance_uuid=resized[0], foo='x',
                       **{'changes-since': '2999-01-01T00:00:00Z'},
                       )['migrations']) == 1


@pytest.mark.parametrize('version,params,message', [
    ('2.59', {'limit': 'x'}, None),
    ('2.59', {'limit': '-1'}, None),
    ('2.59', {'marker': 'nosuch'}, 'Marker nosuch could not be found.'),
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
