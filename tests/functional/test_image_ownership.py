"""Glance's rules of image ownership, and an image id taken for good."""
import uuid

import pytest
import requests

from tests.fixtures.client import fault

PATCH = {'Content-Type': 'application/openstack-images-v2.1-json-patch'}


def _session(token):
    session = requests.Session()
    session.headers['X-Auth-Token'] = token
    return session


@pytest.fixture
def root(endpoint):
    return endpoint.rsplit('/v2.1', 1)[0] + '/image/v2'


@pytest.fixture
def member():
    return _session('p2-user:p2-%s' % uuid.uuid4().hex[:8])


@pytest.fixture
def victim():
    return _session('p1-user:p1-%s' % uuid.uuid4().hex[:8])


def _project(session):
    return session.headers['X-Auth-Token'].split(':')[1]


def _visible_ids(session, root):
    return {i['id'] for i in session.get(root + '/images').json()['images']}


def test_member_cannot_create_for_another_project(member, victim, root):
    owner = _project(victim)
    response = member.post(root + '/images', json={
        'name': 'trojan', 'owner': owner, 'disk_format': 'raw',
        'container_format': 'bare'})
    assert response.status_code == 403, response.text
    assert fault(response)[2] == (
        "You are not permitted to create images owned by '%s'." % owner)
    assert not [i for i in victim.get(root + '/images').json()['images']
                if i['name'] == 'trojan']


def test_member_may_name_its_own_project(member, root):
    response = member.post(root + '/images', json={
        'name': 'mine', 'owner': _project(member)})
    assert response.status_code == 201, response.text
    assert response.json()['owner'] == _project(member)


@pytest.mark.parametrize('op', ['replace', 'add'])
def test_member_cannot_hand_an_image_to_another_project(member, victim,
                                                        root, op):
    image = member.post(root + '/images', json={
        'name': 'gift', 'disk_format': 'raw',
        'container_format': 'bare'}).json()
    member.put(root + '/images/%s/file' % image['id'], data=b'evil',
               headers={'Content-Type': 'application/octet-stream'})
    response = member.patch(root + '/images/%s' % image['id'], json=[
        {'op': op, 'path': '/owner', 'value': _project(victim)}],
        headers=PATCH)
    assert response.status_code == 403, response.text
    assert fault(response)[2] == "Owner can't be updated by non admin."
    assert member.get(root + '/images/%s' % image['id']).json()[
        'owner'] == _project(member)
    assert image['id'] not in _visible_ids(victim, root)


def test_admin_may_change_owner(member, victim, root):
    admin = _session('admin:admin')
    image = member.post(root + '/images', json={'name': 'moved'}).json()
    response = admin.patch(root + '/images/%s' % image['id'], json=[
        {'op': 'replace', 'path': '/owner', 'value': _project(victim)}],
        headers=PATCH)
    assert response.status_code == 200, response.text
    assert image['id'] in _visible_ids(victim, root)


@pytest.mark.parametrize('value', [None, ''])
def test_owner_cannot_be_null_or_empty(member, root, value):
    admin = _session('admin:admin')
    response = admin.post(root + '/images', json={'name': 'ownerless',
                                                  'owner': value})
    assert response.status_code == 400, response.text
    assert 'owner' in fault(response)[2]
    image = member.post(root + '/images', json={'name': 'owned'}).json()
    response = admin.patch(root + '/images/%s' % image['id'], json=[
        {'op': 'replace', 'path': '/owner', 'value': value}], headers=PATCH)
    assert response.status_code == 400, response.text
    assert member.get(root + '/images/%s' % image['id']).json()[
        'owner'] == _project(member)


def test_id_of_a_deleted_image_is_409(member, root):
    image_id = str(uuid.uuid4())
    assert member.post(root + '/images', json={
        'id': image_id, 'name': 'first'}).status_code == 201
    assert member.delete(root + '/images/%s' % image_id).status_code == 204
    for _ in range(2):  # deleted, then still deleted
        response = member.post(root + '/images', json={
            'id': image_id, 'name': 'second'})
        assert response.status_code == 409, response.text
        assert fault(response)[2] == (
            'Image with identifier %s already exists!' % image_id)
    assert member.get(root + '/images/%s' % image_id).status_code == 404


def test_id_in_use_is_409(member, root):
    image = member.post(root + '/images', json={'name': 'taken'}).json()
    response = member.post(root + '/images', json={'id': image['id'],
                                                   'name': 'again'})
    assert response.status_code == 409, response.text
    assert member.get(root + '/images/%s' % image['id']).json()[
        'name'] == 'taken'
