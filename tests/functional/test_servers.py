"""Booting, listing, showing, updating and deleting servers end to end."""
import uuid

import pytest

from tests.fixtures.client import fault


def test_boot_show_list_delete(api, image_id):
    created = api.boot('web-1', image=image_id)
    assert set(created) >= {'id', 'links', 'adminPass', 'OS-DCF:diskConfig',
                            'security_groups'}
    server = api.wait_for(created['id'], 'ACTIVE')
    assert server['name'] == 'web-1'
    assert server['OS-EXT-STS:vm_state'] == 'active'
    assert server['OS-EXT-STS:power_state'] == 1
    assert server['image']['id'] == image_id
    assert server['flavor']['original_name'] == 'm1.tiny'
    assert server['tenant_id'] == 'demo' and server['user_id'] == 'demo'
    assert server['hostId']
    listed = api.get('/servers').json()['servers']
    assert created['id'] in [s['id'] for s in listed]
    detailed = api.get('/servers/detail').json()['servers']
    assert [s for s in detailed if s['id'] == created['id']][0][
        'status'] == 'ACTIVE'
    assert api.delete('/servers/%s' % created['id']).status_code == 204
    api.wait_gone(created['id'])


def test_boot_records_instance_actions(admin, api, image_id):
    created = api.boot('acted', image=image_id)
    api.wait_for(created['id'], 'ACTIVE')
    from nova_core.db import actions
    (action,) = actions.get_all(created['id'])
    assert action['action'] == 'create'
    events = actions.get(created['id'], action['request_id'])['events']
    assert [(e['event'], e['result']) for e in events] == [
        ('conductor_schedule_and_build_instances', 'Success'),
        ('compute_build_and_run_instance', 'Success')]
    api.delete('/servers/%s' % created['id'])


def test_other_projects_servers_are_not_found(api, image_id):
    created = api.boot('private', image=image_id)
    other = api.as_user('eve:evil')
    assert other.get('/servers/%s' % created['id']).status_code == 404
    assert created['id'] not in [
        s['id'] for s in other.get('/servers').json()['servers']]
    assert other.delete('/servers/%s' % created['id']).status_code == 404
    assert other.put('/servers/%s' % created['id'], json={
        'server': {'name': 'mine'}}).status_code == 404
    api.wait_for(created['id'], 'ACTIVE')
    api.delete('/servers/%s' % created['id'])


def test_admin_sees_all_tenants_member_may_not(admin, api, image_id):
    created = api.boot('tenant-a', image=image_id)
    everything = admin.get('/servers', params={'all_tenants': 'True'})
    assert created['id'] in [s['id'] for s in everything.json()['servers']]
    own = admin.get('/servers').json()['servers']
    assert created['id'] not in [s['id'] for s in own]
    response = api.get('/servers', params={'all_tenants': '1'})
    assert response.status_code == 403
    assert fault(response)[0] == 'forbidden'
    api.delete('/servers/%s' % created['id'])


def test_update_name_and_description(api, image_id):
    created = api.boot('before', image=image_id)
    response = api.put('/servers/%s' % created['id'], json={
        'server': {'name': 'after', 'description': 'renamed'}})
    assert response.status_code == 200, response.text
    assert response.json()['server']['name'] == 'after'
    assert api.server(created['id'])['description'] == 'renamed'
    api.delete('/servers/%s' % created['id'])


def test_failed_spawn_goes_to_error_with_fault_and_frees_claim(
        admin, api, image_id):
    created = api.boot('fail-spawn', image=image_id)
    server = api.wait_for(created['id'], 'ERROR')
    assert server['fault']['code'] == 500
    assert 'fake driver told to fail spawn' in server['fault']['message']
    assert 'details' not in server['fault']  # 500 details are admin-only
    assert 'details' in admin.server(created['id'])['fault']
    assert admin.server(created['id'])['OS-EXT-SRV-ATTR:host'] is None
    assert_claims_match_instances()
    assert api.delete('/servers/%s' % created['id']).status_code == 204
    api.wait_gone(created['id'])


def test_no_valid_host_fault(admin, api, image_id):
    from nova_core.db import flavors
    flavors.create({'flavorid': 'huge', 'name': 'huge', 'memory_mb': 10 ** 9,
                    'vcpus': 1, 'root_gb': 1, 'extra_specs': {}})
    # Past the RAM quota first, which would refuse it with 403.
    assert admin.put('/os-quota-sets/demo', json={'quota_set': {
        'ram': -1}}).status_code == 200
    created = api.boot('too-big', flavor='huge', image=image_id)
    server = api.wait_for(created['id'], 'ERROR')
    assert server['fault']['message'].startswith('No valid host was found')
    assert server['OS-EXT-STS:vm_state'] == 'error'
    api.delete('/servers/%s' % created['id'])
    api.wait_gone(created['id'])


def assert_claims_match_instances():
    """The node's counters are the sum of its placed, live instances (read
    in one transaction, as deletes of earlier tests may be under way)."""
    import sqlalchemy as sa

    from nova_core.db import models, session
    CN, M = models.ComputeNode, models.Instance
    with session.reader() as db:
        node = db.execute(sa.select(CN.host, CN.memory_mb_used,
                                    CN.vcpus_used, CN.running_vms).where(
            CN.deleted == 0)).one()
        placed = db.execute(sa.select(
            sa.func.coalesce(sa.func.sum(M.memory_mb), 0),
            sa.func.coalesce(sa.func.sum(M.vcpus), 0),
            sa.func.count()).where(M.host == node.host,
                                   M.deleted == 0)).one()
    assert tuple(node[1:]) == tuple(placed)


def test_multi_create_with_reservation_id(api, image_id):
    response = api.post('/servers', json={'server': {
        'name': 'many', 'flavorRef': '1', 'imageRef': image_id,
        'networks': 'none', 'min_count': 3, 'max_count': 3,
        'return_reservation_id': True}})
    assert response.status_code == 202, response.text
    reservation = response.json()['reservation_id']
    servers = api.get('/servers', params={
        'reservation_id': reservation}).json()['servers']
    assert len(servers) == 3
    for server in servers:
        api.wait_for(server['id'], 'ACTIVE')
        api.delete('/servers/%s' % server['id'])


def test_pagination_with_limit_marker_and_next_links(api, image_id):
    project = api.as_user('pager:pager-%s' % uuid.uuid4().hex[:6])
    ids = [project.boot('page-%d' % i, image=image_id)['id']
           for i in range(5)]
    first = project.get('/servers', params={'limit': 2}).json()
    assert len(first['servers']) == 2
    next_href = first['servers_links'][0]['href']
    assert 'marker=%s' % first['servers'][-1]['id'] in next_href
    second = project.get(next_href).json()
    seen = [s['id'] for s in first['servers'] + second['servers']]
    rest = project.get('/servers', params={
        'limit': 10, 'marker': seen[-1]}).json()['servers']
    seen += [s['id'] for s in rest]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 5
    by_name = project.get('/servers/detail', params={
        'sort_key': 'display_name', 'sort_dir': 'asc'}).json()['servers']
    assert [s['name'] for s in by_name] == ['page-%d' % i for i in range(5)]
    for server_id in ids:
        project.delete('/servers/%s' % server_id)


@pytest.mark.parametrize('params,names', [
    ({'name': '^filter-a'}, {'filter-a1', 'filter-a2'}),
    ({'name': 'b$'}, {'filter-b'}),
    ({'status': 'ACTIVE'}, {'filter-a1', 'filter-a2', 'filter-b'}),
    ({'status': 'SHUTOFF'}, set()),
    ({'status': 'NO-SUCH-STATUS'}, set()),
    ({'flavor': '2'}, {'filter-b'}),
    ({'ip': '10.0.0.1'}, set()),
])
def test_list_filters(api, image_id, params, names):
    project = api.as_user('filter:filter-%s' % uuid.uuid4().hex[:6])
    ids = [project.boot('filter-a1', image=image_id)['id'],
           project.boot('filter-a2', image=image_id)['id'],
           project.boot('filter-b', flavor='2', image=image_id)['id']]
    for server_id in ids:
        project.wait_for(server_id, 'ACTIVE')
    found = project.get('/servers', params=params)
    assert found.status_code == 200, found.text
    assert {s['name'] for s in found.json()['servers']} == names
    for server_id in ids:
        project.delete('/servers/%s' % server_id)


def test_changes_since_lists_deleted_servers(api, image_id):
    project = api.as_user('since:since-%s' % uuid.uuid4().hex[:6])
    server_id = project.boot('short-lived', image=image_id)['id']
    project.wait_for(server_id, 'ACTIVE')
    project.delete('/servers/%s' % server_id)
    project.wait_gone(server_id)
    listed = project.get('/servers/detail', params={
        'changes-since': '2000-01-01T00:00:00Z'}).json()['servers']
    assert [(s['id'], s['status']) for s in listed] == [(server_id,
                                                         'DELETED')]


def test_image_given_only_as_boot_block_device(api, image_id):
    response = api.post('/servers', json={'server': {
        'name': 'bdm', 'flavorRef': '1', 'networks': 'auto',
        'block_device_mapping_v2': [{
            'uuid': image_id, 'boot_index': 0, 'source_type': 'image',
            'destination_type': 'local', 'delete_on_termination': True}]}})
    assert response.status_code == 202, response.text
    server_id = response.json()['server']['id']
    assert api.wait_for(server_id, 'ACTIVE')['image']['id'] == image_id
    api.delete('/servers/%s' % server_id)


def test_reader_may_look_but_not_touch(api, image_id):
    server_id = api.boot('read-only', image=image_id)['id']
    reader = api.as_user()
    reader.session.headers['X-Roles'] = 'reader'
    assert reader.get('/servers/%s' % server_id).status_code == 200
    for response in (
            reader.delete('/servers/%s' % server_id),
            reader.action(server_id, {'os-stop': None}),
            reader.post('/servers', json={'server': {
                'name': 'x', 'flavorRef': '1', 'imageRef': image_id,
                'networks': 'none'}})):
        assert response.status_code == 403
        assert fault(response)[0] == 'forbidden'
    api.wait_for(server_id, 'ACTIVE')
    api.delete('/servers/%s' % server_id)


def test_access_ipv6_is_kept_compressed_as_nova(api, image_id):
    """Tempest's test_verify_server_details sends the long form and expects
    Nova's compressed one back, on create, update and rebuild alike."""
    server_id = api.boot('ipv6', image=image_id,
                         accessIPv6='0000:0000:0000:0000:0000:babe:'
                                    '220.12.22.2')['id']
    try:
        assert api.server(server_id)['accessIPv6'] == '::babe:dc0c:1602'
        api.put('/servers/%s' % server_id, json={'server': {
            'accessIPv6': '2001:0db8:0000:0000:0000:0000:0000:0001'}})
        assert api.server(server_id)['accessIPv6'] == '2001:db8::1'
        api.wait_for(server_id, 'ACTIVE')
        response = api.action(server_id, {'rebuild': {
            'imageRef': image_id, 'accessIPv6': 'FE80:0:0:0:0:0:0:1'}})
        assert response.status_code == 202, response.text
        assert api.wait_for(server_id, 'ACTIVE')['accessIPv6'] == 'fe80::1'
    finally:
        api.delete('/servers/%s' % server_id)
