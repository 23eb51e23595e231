"""rebuild, resize (confirm, revert) and createImage through the API, the
conductor, compute and the fake driver, and through the openstack CLI and
openstacksdk."""
import json
import shutil
import time

import pytest

from nova_core.db import actions as db_actions
from nova_core.db import moves
from nova_core.db import services as db_services
from tests.fixtures import openstack_cli
from tests.fixtures.client import Client, fault
from tests.fixtures.conf import ConfFixture


@pytest.fixture
def conf():
    fixture = ConfFixture()
    yield fixture
    fixture.cleanup()


@pytest.fixture
def same_host(conf):
    """The functional cloud has one compute host."""
    conf.config(allow_resize_to_same_host=True)


def _boot(api, image_id, name='mover', flavor='1', status='ACTIVE'):
    server_id = api.boot(name, flavor=flavor, image=image_id)['id']
    api.wait_for(server_id, status)
    return server_id


@pytest.fixture
def server(api, image_id):
    server_id = _boot(api, image_id)
    yield server_id
    api.delete('/servers/%s' % server_id)


def _events(server_id):
    """[(action, [(event, result)])] oldest first."""
    return [(a['action'], [(e['event'], e['result']) for e in db_actions.get(
        server_id, a['request_id'])['events']])
        for a in reversed(db_actions.get_all(server_id))]


def _wait_events(server_id, action, count, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        found = [e for a, e in _events(server_id) if a == action]
        if found and len(found[-1]) >= count and all(
                r is not None for _, r in found[-1]):
            return found[-1]
        assert time.monotonic() < deadline, _events(server_id)
        time.sleep(0.02)


def _glance(api):
    return api.root + '/image/v2/images'


@pytest.fixture(scope='module')
def other_image(endpoint):
    """A second active image to rebuild with."""
    api = Client(endpoint, version=None)
    image = api.post(_glance(api), json={
        'name': 'rebuild-target', 'disk_format': 'raw',
        'container_format': 'bare', 'visibility': 'public',
        'min_ram': 0}, headers={'X-Auth-Token': 'admin:admin'}).json()
    response = api.put('%s/%s/file' % (_glance(api), image['id']),
                       data=b'\1' * 4096,
                       headers={'Content-Type': 'application/octet-stream',
                                'X-Auth-Token': 'admin:admin'})
    assert response.status_code == 204, response.text
    return image['id']


def _conflict(response, action, server_id, attr, state):
    assert response.status_code == 409, response.text
    assert fault(response) == (
        'conflictingRequest', 409, "Cannot '%s' instance %s while it is in "
        "%s %s" % (action, server_id, attr, state))


def _bad_request(response, message):
    assert response.status_code == 400, response.text
    assert fault(response) == ('badRequest', 400, message)


# --- rebuild -----------------------------------------------------------------

def test_rebuild_changes_image_and_fields(api, server, other_image):
    response = api.action(server, {'rebuild': {
        'imageRef': other_image, 'name': 'rebuilt', 'metadata': {'a': 'b'},
        'adminPass': 'secret', 'description': 'again',
        'user_data': 'aGVsbG8=', 'hostname': 'rebuilt-host'}})
    assert response.status_code == 202, response.text
    body = response.json()['server']
    assert body['id'] == server
    assert body['adminPass'] == 'secret'
    # 2.75: the full server body, with the task under way.
    assert body['OS-EXT-STS:task_state'] == 'rebuilding'
    assert body['status'] == 'REBUILD'
    assert body['image']['id'] == other_image
    assert 'key_name' in body and 'security_groups' in body
    shown = api.wait_for(server, 'ACTIVE')
    assert (shown['name'], shown['metadata'], shown['description'],
            shown['image']['id']) == ('rebuilt', {'a': 'b'}, 'again',
                                      other_image)
    assert shown['OS-EXT-SRV-ATTR:hostname'] == 'rebuilt-host'
    assert _wait_events(server, 'rebuild', 1) == [
        ('compute_rebuild_instance', 'Success')]


def test_rebuild_response_before_2_75(api, server, image_id):
    old = api.as_user(version='2.74')
    body = old.action(server, {'rebuild': {'imageRef': image_id}}).json()[
        'server']
    for hidden in ('OS-EXT-STS:task_state', 'OS-EXT-SRV-ATTR:host',
                   'OS-SRV-USG:launched_at', 'key_name', 'security_groups',
                   'OS-EXT-AZ:availability_zone', 'config_drive'):
        assert hidden not in body, hidden
    assert body['status'] == 'REBUILD' and 'adminPass' in body
    assert 'locked_reason' in body and 'tags' in body
    api.wait_for(server, 'ACTIVE')
    v21 = api.as_user(version='2.1')
    body = v21.action(server, {'rebuild': {'imageRef': image_id}}).json()[
        'server']
    assert 'description' not in body and 'locked' not in body
    api.wait_for(server, 'ACTIVE')


def test_rebuild_without_password_when_disabled(api, server, image_id,
                                                conf):
    conf.config(group='api', enable_instance_password=False)
    body = api.action(server, {'rebuild': {'imageRef': image_id}}).json()
    assert 'adminPass' not in body['server']
    api.wait_for(server, 'ACTIVE')
    created = api.boot('no-password', image=image_id)
    assert 'adminPass' not in created
    api.delete('/servers/%s' % created['id'])


def test_rebuild_of_stopped_server_stays_stopped(api, server, image_id):
    api.action(server, {'os-stop': None})
    api.wait_for(server, 'SHUTOFF')
    assert api.action(server, {'rebuild': {
        'imageRef': image_id}}).status_code == 202
    shown = api.wait_for(server, 'SHUTOFF')
    assert shown['OS-EXT-STS:power_state'] == 4


@pytest.mark.parametrize('version,args,message', [
    ('2.100', {'imageRef': '00000000-0000-4000-8000-000000000000'},
     'Cannot find image for rebuild'),
    ('2.100', {'trusted_image_certificates': ['cert']},
     'Image certificate validation is not supported by nova-core: '
     'trusted_image_certificates can only be null.'),
    ('2.100', {'key_name': 'no-such-key'}, 'Invalid key_name provided.'),
    ('2.53', {'key_name': None}, None),
    ('2.56', {'user_data': 'aGVsbG8='}, None),
    ('2.62', {'trusted_image_certificates': None}, None),
    ('2.89', {'hostname': 'x'}, None),
    ('2.18', {'description': 'x'}, None),
    ('2.57', {'personality': []}, None),
    ('2.100', {'preserve_ephemeral': 'maybe'}, None),
])
def test_rebuild_bad_requests(api, server, image_id, version, args,
                              message):
    body = {'rebuild': dict({'imageRef': image_id}, **args)}
    response = api.as_user(version=version).action(server, body)
    assert response.status_code == 400, response.text
    if message is not None:
        assert fault(response)[2] == message
    assert api.server(server)['OS-EXT-STS:task_state'] is None


def test_rebuild_accepts_null_certificates_and_unsets_key(api, server,
                                                          image_id):
    response = api.action(server, {'rebuild': {
        'imageRef': image_id, 'trusted_image_certificates': None,
        'key_name': None}})
    assert response.status_code == 202, response.text
    assert api.wait_for(server, 'ACTIVE')['key_name'] is None


def test_rebuild_sets_key_name(api, server, image_id):
    # Before 2.92 the API generates the key.
    created = api.as_user(version='2.91').post('/os-keypairs', json={
        'keypair': {
            'name': 'rebuild-key-%s' % server[:8]}})
    if created.status_code == 404:
        pytest.skip('os-keypairs not served yet')
    assert created.status_code in (200, 201), created.text
    name = created.json()['keypair']['name']
    try:
        assert api.action(server, {'rebuild': {
            'imageRef': image_id, 'key_name': name}}).status_code == 202
        assert api.wait_for(server, 'ACTIVE')['key_name'] == name
    finally:
        api.delete('/os-keypairs/%s' % name)


def test_rebuild_from_wrong_state_is_409(api, server, image_id):
    api.action(server, {'pause': None})
    api.wait_for(server, 'PAUSED')
    _conflict(api.action(server, {'rebuild': {'imageRef': image_id}}),
              'rebuild', server, 'vm_state', 'paused')


def test_rebuild_from_error_and_failed_rebuild(api, image_id, conf):
    conf.config(group='fake', fail_operations=['spawn', 'rebuild'])
    server = _boot(api, image_id, name='will-fail')
    api.put('/servers/%s' % server, json={'server': {'name': 'fail-rb'}})
    # A failed rebuild leaves ERROR; an ERROR server may be rebuilt.
    for _ in range(2):
        assert api.action(server, {'rebuild': {
            'imageRef': image_id}}).status_code == 202
        shown = api.wait_for(server, 'ERROR')
        assert 'fake driver told to fail rebuild' in \
            shown['fault']['message']
        assert _wait_events(server, 'rebuild', 1) == [
            ('compute_rebuild_instance', 'Error')]
    api.put('/servers/%s' % server, json={'server': {'name': 'fixed'}})
    assert api.action(server, {'rebuild': {
        'imageRef': image_id}}).status_code == 202
    assert api.wait_for(server, 'ACTIVE')['OS-EXT-STS:vm_state'] == 'active'
    api.delete('/servers/%s' % server)


# --- resize ------------------------------------------------------------------

def _node():
    nodes = db_services.node_get_all()
    assert len(nodes) == 1
    return nodes[0]


def _used(node):
    return (node['vcpus_used'], node['memory_mb_used'],
            node['local_gb_used'])


def _assert_claims_consistent():
    """The node's counters are the sum of the claims of its instances and
    of the migrations under way (as Placement's allocations), read in one
    transaction so that concurrent deletes cannot skew them."""
    from nova_core.db import instances as db_instances
    from nova_core.db.session import reader
    with reader():
        node = _node()
        total = [0, 0, 0]
        for inst in db_instances.get_all({'host': node['host']}):
            for i, value in enumerate((inst['vcpus'], inst['memory_mb'],
                                       inst['root_gb'] +
                                       inst['ephemeral_gb'])):
                total[i] += value
            migration = moves.get_in_progress(inst['uuid'])
            if migration is not None and migration['dest_compute']:
                flavor = migration['new_flavor' if migration['status'] in
                                   moves.BEFORE_FINISH else 'old_flavor']
                for i, key in enumerate(('vcpus', 'memory_mb', 'root_gb')):
                    total[i] += flavor[key]
    assert _used(node) == tuple(total)


def _held(server):
    """The resources one server's claims add up to."""
    from nova_core.db import instances as db_instances
    inst = db_instances.get(server)
    held = [inst['vcpus'], inst['memory_mb'], inst['root_gb']]
    migration = moves.get_in_progress(server)
    if migration is not None:
        for i, key in enumerate(('vcpus', 'memory_mb', 'root_gb')):
            held[i] += migration['old_flavor'][key]
    return tuple(held)


def _resize(api, server, flavor='2'):
    response = api.action(server, {'resize': {'flavorRef': flavor}})
    assert response.status_code == 202, response.text
    return api.wait_for(server, 'VERIFY_RESIZE')


def test_resize_confirm(api, server, same_host):
    assert _held(server) == (1, 512, 1)
    shown = _resize(api, server)
    assert shown['flavor']['original_name'] == 'm1.small'
    assert shown['OS-EXT-STS:vm_state'] == 'resized'
    # Both flavors are claimed until the resize is confirmed.
    assert _held(server) == (2, 512 + 2048, 21)
    _assert_claims_consistent()
    (migration,) = moves.get_all_by_instance(server)
    assert migration['status'] == 'finished'
    assert api.action(server, {'confirmResize': None}).status_code == 204
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.small'
    assert _held(server) == (1, 2048, 20)
    _assert_claims_consistent()
    assert moves.get(migration['id'])['status'] == 'confirmed'
    assert _wait_events(server, 'resize', 3) == [
        ('conductor_migrate_server', 'Success'),
        ('compute_resize_instance', 'Success'),
        ('compute_finish_resize', 'Success')]
    assert _wait_events(server, 'confirmResize', 1) == [
        ('compute_confirm_resize', 'Success')]


def test_resize_revert(api, server, same_host):
    _resize(api, server)
    assert api.action(server, {'revertResize': None}).status_code == 202
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _held(server) == (1, 512, 1)
    _assert_claims_consistent()
    (migration,) = moves.get_all_by_instance(server)
    assert migration['status'] == 'reverted'
    assert _wait_events(server, 'revertResize', 2) == [
        ('compute_revert_resize', 'Success'),
        ('compute_finish_revert_resize', 'Success')]


def test_resize_of_stopped_server_stays_stopped(api, server, same_host):
    api.action(server, {'os-stop': None})
    api.wait_for(server, 'SHUTOFF')
    assert _resize(api, server)['OS-EXT-STS:power_state'] == 4
    api.action(server, {'confirmResize': None})
    assert api.wait_for(server, 'SHUTOFF')['flavor']['original_name'] == \
        'm1.small'


def test_delete_of_resized_server_gives_back_both_claims(api, image_id,
                                                         same_host):
    server = _boot(api, image_id)
    _resize(api, server)
    api.delete('/servers/%s' % server)
    api.wait_gone(server)
    _assert_claims_consistent()
    assert moves.get_all_by_instance(server)[0]['status'] == 'error'


def test_resize_without_other_host_is_no_valid_host(api, server, conf):
    # Nova's default; nova-core-all turns it on (it has one host).
    conf.config(allow_resize_to_same_host=False)
    response = api.action(server, {'resize': {'flavorRef': '2'}})
    assert response.status_code == 202
    _wait_events(server, 'resize', 1)
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert 'fault' not in shown
    ((event, result),) = _wait_events(server, 'resize', 1)
    assert (event, result) == ('conductor_migrate_server', 'Error')
    (migration,) = moves.get_all_by_instance(server)
    assert migration['status'] == 'error'


@pytest.mark.parametrize('flavor,message', [
    ('1', 'When resizing, instances must change flavor!'),
    ('no-such-flavor', 'Unable to locate requested flavor.'),
])
def test_resize_bad_flavor(api, server, flavor, message):
    _bad_request(api.action(server, {'resize': {'flavorRef': flavor}}),
                 message)


def test_resize_down_disk_is_400(api, image_id, same_host):
    server = _boot(api, image_id, flavor='2')
    _bad_request(api.action(server, {'resize': {'flavorRef': '1'}}),
                 'Server disk was unable to be resized because: Unable to '
                 'resize disk down.')
    api.delete('/servers/%s' % server)


@pytest.mark.parametrize('body', [
    {'resize': {}}, {'resize': {'flavorRef': '2', 'extra': 1}},
    {'resize': {'flavorRef': '2', 'OS-DCF:diskConfig': 'SOMETIMES'}},
    {'confirmResize': {'x': 1}}, {'revertResize': 'now'},
    {'createImage': {}}, {'createImage': {'name': 'x', 'metadata': 'y'}},
    {'createImage': {'name': ' padded '}},
])
def test_malformed_bodies_are_400(api, server, body):
    response = api.action(server, body)
    assert response.status_code == 400, response.text
    assert api.server(server)['OS-EXT-STS:task_state'] is None


def test_resize_actions_from_wrong_states_are_409(api, server):
    for action, name in (('confirmResize', 'confirm_resize'),
                         ('revertResize', 'revert_resize')):
        _conflict(api.action(server, {action: None}), name, server,
                  'vm_state', 'active')
    api.action(server, {'pause': None})
    api.wait_for(server, 'PAUSED')
    _conflict(api.action(server, {'resize': {'flavorRef': '2'}}), 'resize',
              server, 'vm_state', 'paused')


def test_confirm_twice_and_revert_after_confirm(api, server, same_host):
    _resize(api, server)
    assert api.action(server, {'confirmResize': None}).status_code == 204
    second = api.action(server, {'revertResize': None})
    assert second.status_code in (400, 409), second.text
    api.wait_for(server, 'ACTIVE')


def test_resize_over_quota_is_403(api, admin, image_id, same_host):
    project = 'resize-quota'
    user = Client(api.endpoint, token='demo:%s' % project)
    response = admin.put('/os-quota-sets/%s' % project,
                         json={'quota_set': {'cores': 1}})
    if response.status_code == 404:
        pytest.skip('os-quota-sets not served yet')
    server = _boot(user, image_id)
    response = user.action(server, {'resize': {'flavorRef': '3'}})
    assert response.status_code == 403, response.text
    assert 'Quota exceeded for cores' in fault(response)[2]
    user.delete('/servers/%s' % server)


def test_resize_confirm_window(api, server, same_host, conf, cloud):
    conf.config(resize_confirm_window=1)
    _resize(api, server)
    time.sleep(1.1)
    manager = cloud.services[0].manager
    from nova_core import context
    assert manager.confirm_old_resizes(context.get_admin_context()) == 1
    assert api.wait_for(server, 'ACTIVE')['flavor']['original_name'] == \
        'm1.small'


# --- createImage -----------------------------------------------------------

def _image(api, image_id):
    response = api.get('%s/%s' % (_glance(api), image_id))
    return response.status_code, response.json() if response.ok else None


def _wait_image(api, image_id, status='active', timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        code, image = _image(api, image_id)
        if code == 200 and image['status'] == status:
            return image
        assert time.monotonic() < deadline, (code, image)
        time.sleep(0.02)


def test_create_image_and_boot_from_it(api, server, image_id):
    response = api.action(server, {'createImage': {
        'name': 'snap', 'metadata': {'purpose': 'test'}}})
    assert response.status_code == 202, response.text
    snapshot_id = response.json()['image_id']
    assert 'Location' not in response.headers
    image = _wait_image(api, snapshot_id)
    assert (image['image_type'], image['instance_uuid'],
            image['base_image_ref'], image['user_id'], image['purpose'],
            image['disk_format'], image['visibility']) == (
        'snapshot', server, image_id, 'demo', 'test', 'raw', 'private')
    assert image['size'] > 0
    assert api.wait_for(server, 'ACTIVE')
    assert _wait_events(server, 'createImage', 1) == [
        ('compute_snapshot_instance', 'Success')]
    booted = _boot(api, snapshot_id, name='from-snapshot')
    assert api.server(booted)['image']['id'] == snapshot_id
    api.delete('/servers/%s' % booted)


def test_create_image_before_2_45_has_location(api, server):
    old = api.as_user(version='2.44')
    response = old.action(server, {'createImage': {'name': 'old-snap'}})
    assert response.status_code == 202
    assert response.text == ''
    location = response.headers['Location']
    snapshot_id = location.rsplit('/', 1)[1]
    assert location.endswith('/image/v2/images/' + snapshot_id)
    _wait_image(api, snapshot_id)
    api.wait_for(server, 'ACTIVE')


def test_create_image_of_paused_server(api, server):
    api.action(server, {'pause': None})
    api.wait_for(server, 'PAUSED')
    response = api.action(server, {'createImage': {'name': 'paused'}})
    assert response.status_code == 202
    _wait_image(api, response.json()['image_id'])
    assert api.wait_for(server, 'PAUSED')['OS-EXT-STS:power_state'] == 3


def test_create_image_from_error_is_409(api, image_id):
    server = _boot(api, image_id, name='fail-snapshot', status='ERROR')
    _conflict(api.action(server, {'createImage': {'name': 'x'}}),
              'snapshot', server, 'vm_state', 'error')
    api.delete('/servers/%s' % server)


def test_failed_snapshot_deletes_image(api, server, conf):
    conf.config(group='fake', fail_operations=['spawn', 'snapshot'])
    api.put('/servers/%s' % server, json={'server': {'name': 'fail-snap'}})
    response = api.action(server, {'createImage': {'name': 'doomed'}})
    assert response.status_code == 202
    snapshot_id = response.json()['image_id']
    assert _wait_events(server, 'createImage', 1) == [
        ('compute_snapshot_instance', 'Error')]
    shown = api.wait_for(server, 'ACTIVE')
    assert shown['OS-EXT-STS:vm_state'] == 'active'
    deadline = time.monotonic() + 10
    while _image(api, snapshot_id)[0] != 404:
        assert time.monotonic() < deadline
        time.sleep(0.02)


# --- the openstack CLI and openstacksdk -----------------------------------

needs_cli = pytest.mark.skipif(shutil.which('openstack') is None,
                               reason='python-openstackclient missing')


@pytest.fixture
def cli(endpoint):
    return openstack_cli.runner(openstack_cli.environ(endpoint,
                                                      OS_AUTH_TYPE='none'))


@needs_cli
def test_cli_rebuild_resize_image(cli, admin, same_host):
    api = admin  # sees the server the CLI (noauth, no token) makes
    server = json.loads(cli('server', 'create', '--flavor', 'm1.tiny',
                            '--image', 'fake-image', '--wait', '-f', 'json',
                            'cli-mover'))['id']
    cli('server', 'rebuild', '--image', 'fake-image', '--name', 'cli-new',
        '--wait', server)
    assert api.server(server)['name'] == 'cli-new'
    cli('server', 'resize', '--flavor', 'm1.small', '--wait', server)
    assert api.server(server)['status'] == 'VERIFY_RESIZE'
    cli('server', 'resize', 'confirm', server)
    assert api.wait_for(server, 'ACTIVE')['flavor']['original_name'] == \
        'm1.small'
    cli('server', 'resize', '--flavor', 'm1.medium', '--wait', server)
    cli('server', 'resize', 'revert', server)
    assert api.wait_for(server, 'ACTIVE')['flavor']['original_name'] == \
        'm1.small'
    image = json.loads(cli('server', 'image', 'create', '--wait', '--name',
                           'cli-snap', '-f', 'json', server))
    assert image['status'] == 'active'
    cli('image', 'delete', image['id'])
    cli('server', 'delete', '--wait', server)


def test_openstacksdk_rebuild_resize_image(endpoint, same_host, image_id):
    import openstack
    conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint})
    sdk_server = conn.compute.create_server(
        name='sdk-mover', flavor_id='1', image_id=image_id, networks='none')
    sdk_server = conn.compute.wait_for_server(sdk_server, wait=30,
                                              interval=0.2)
    conn.compute.rebuild_server(sdk_server, image=image_id, name='sdk-new')
    sdk_server = conn.compute.wait_for_server(sdk_server, wait=30,
                                              interval=0.2)
    assert sdk_server.name == 'sdk-new'
    conn.compute.resize_server(sdk_server, '2')
    conn.compute.wait_for_server(sdk_server, status='VERIFY_RESIZE',
                                 wait=30, interval=0.2)
    conn.compute.revert_server_resize(sdk_server)
    conn.compute.wait_for_server(sdk_server, wait=30, interval=0.2)
    conn.compute.resize_server(sdk_server, '2')
    conn.compute.wait_for_server(sdk_server, status='VERIFY_RESIZE',
                                 wait=30, interval=0.2)
    conn.compute.confirm_server_resize(sdk_server)
    sdk_server = conn.compute.wait_for_server(sdk_server, wait=30,
                                              interval=0.2)
    assert sdk_server.flavor.original_name == 'm1.small'
    image = conn.compute.create_server_image(sdk_server, 'sdk-snap',
                                             wait=True, timeout=30)
    assert conn.image.get_image(image).status == 'active'
    conn.image.delete_image(image)
    conn.compute.delete_server(sdk_server)
    conn.compute.wait_for_delete(sdk_server, wait=30, interval=0.2)


def test_resize_to_private_flavor_needs_access(api, admin, server,
                                               same_host):
    created = admin.post('/flavors', json={'flavor': {
        'name': 'private-resize', 'ram': 1024, 'vcpus': 1, 'disk': 1,
        'os-flavor-access:is_public': False}})
    assert created.status_code == 200, created.text
    flavor_id = created.json()['flavor']['id']
    try:
        _bad_request(api.action(server, {'resize': {'flavorRef': flavor_id}}),
                     'Unable to locate requested flavor.')
        assert api.server(server)['status'] == 'ACTIVE'
        admin.post('/flavors/%s/action' % flavor_id, json={
            'addTenantAccess': {'tenant': 'demo'}})
        response = api.action(server, {'resize': {'flavorRef': flavor_id}})
        assert response.status_code == 202, response.text
        api.wait_for(server, 'VERIFY_RESIZE')
        assert api.action(server, {'revertResize': None}).status_code == 202
        api.wait_for(server, 'ACTIVE')
    finally:
        admin.delete('/flavors/%s' % flavor_id)
