"""createBackup: a backup image, its rotation, and Nova's answers."""
import time

import pytest

from nova_core.db import images as db_images
from tests.functional.moves.helpers import bad_request, conflict, wait_events


def _backups(server_id, backup_type):
    return [i for i in db_images.get_all()
            if i['properties'].get('instance_uuid') == server_id and
            i['properties'].get('backup_type') == backup_type]


def _backup(api, server_id, name, backup_type='daily', rotation=2):
    response = api.action(server_id, {'createBackup': {
        'name': name, 'backup_type': backup_type, 'rotation': rotation}})
    assert response.status_code == 202, response.text
    api.wait_for(server_id, 'ACTIVE')
    return response


def _wait_count(server_id, backup_type, count, timeout=10):
    deadline = time.monotonic() + timeout
    while len(_backups(server_id, backup_type)) != count:
        assert time.monotonic() < deadline, _backups(server_id, backup_type)
        time.sleep(0.02)
    return _backups(server_id, backup_type)


def test_rotation_keeps_the_newest(api, server):
    made = []
    for n in range(4):
        made.append(_backup(api, server, 'b%d' % n).json()['image_id'])
        wait_events(server, 'createBackup', 1)
    weekly = _backup(api, server, 'w', backup_type='weekly').json()[
        'image_id']
    kept = _wait_count(server, 'daily', 2)
    assert {i['id'] for i in kept} == set(made[2:])
    assert {i['status'] for i in kept} == {'active'}
    assert kept[0]['properties']['image_type'] == 'backup'
    # Another backup_type is not rotated with them.
    assert [i['id'] for i in _wait_count(server, 'weekly', 1)] == [weekly]
    assert wait_events(server, 'createBackup', 1) == [
        ('compute_backup_instance', 'Success')]


def test_rotation_zero_keeps_none(api, server):
    _backup(api, server, 'first', backup_type='hourly', rotation=3)
    _wait_count(server, 'hourly', 1)
    response = _backup(api, server, 'zero', backup_type='hourly',
                       rotation=0)
    assert response.json()['image_id']
    _wait_count(server, 'hourly', 0)


def test_before_2_45_location_only_with_rotation(api, server):
    old = api.as_user(version='2.44')
    response = _backup(old, server, 'loc', rotation=1)
    assert response.text == ''
    assert '/v2.1/images/' in response.headers['Location']
    response = _backup(old, server, 'noloc', rotation='0')
    assert 'Location' not in response.headers


@pytest.mark.parametrize('body', [
    {'name': 'x', 'backup_type': 'daily'},
    {'name': 'x', 'rotation': 1},
    {'backup_type': 'daily', 'rotation': 1},
    {'name': 'x', 'backup_type': 'daily', 'rotation': -1},
    {'name': 'x', 'backup_type': 'daily', 'rotation': 'a'},
    {'name': '', 'backup_type': 'daily', 'rotation': 1},
    {'name': 'x', 'backup_type': 'daily', 'rotation': 1, 'extra': 1},
])
def test_bad_bodies_400(api, server, body):
    before = len(db_images.get_all())
    response = api.action(server, {'createBackup': body})
    assert response.status_code == 400, response.text
    assert len(db_images.get_all()) == before


def test_backup_of_shelved_server_409(api, server):
    assert api.action(server, {'shelve': None}).status_code == 202
    api.wait_for(server, 'SHELVED_OFFLOADED')
    conflict(api.action(server, {'createBackup': {
        'name': 'x', 'backup_type': 'daily', 'rotation': 1}}),
        'createBackup', server, 'vm_state', 'shelved_offloaded')


def test_backup_metadata_over_quota(api, server):
    metadata = {'k%d' % n: 'v' for n in range(200)}
    response = api.action(server, {'createBackup': {
        'name': 'x', 'backup_type': 'daily', 'rotation': 1,
        'metadata': metadata}})
    assert response.status_code == 403, response.text
    assert not _backups(server, 'daily')


def test_bad_request_helper_is_nova_shaped(api, server):
    bad_request(api.action(server, {'createBackup': {
        'name': 'x', 'backup_type': 'daily', 'rotation': 1, 'y': 2}}),
        "Invalid input for field/attribute createBackup. Value: {'name': "
        "'x', 'backup_type': 'daily', 'rotation': 1, 'y': 2}. Additional "
        "properties are not allowed ('y' was unexpected)")


def test_glance_lists_backups_by_property_and_has_no_tasks(api, server):
    image_id = _backup(api, server, 'listed', backup_type='monthly').json()[
        'image_id']
    _wait_count(server, 'monthly', 1)
    glance = api.root + '/image/v2/images'
    found = api.get(glance, params={
        'image_type': 'backup', 'backup_type': 'monthly',
        'instance_uuid': server, 'sort_key': 'created_at',
        'sort_dir': 'asc'}).json()['images']
    assert [i['id'] for i in found] == [image_id]
    assert api.get(glance, params={'backup_type': 'yearly',
                                   'instance_uuid': server}
                   ).json()['images'] == []
    assert api.get('%s/%s/tasks' % (glance, image_id)).json() == {
        'tasks': []}
    assert api.get('%s/%s/tasks' % (
        glance, '00000000-0000-0000-0000-000000000000')).status_code == 404
