"""The image registry: Glance v2 at /image/v2 (and /v2.1/images for image
clients), and Nova's image proxy for Compute API clients before 2.36."""
import hashlib

import pytest
import requests

from tests.fixtures.client import fault


@pytest.fixture
def glance(endpoint):
    session = requests.Session()
    session.headers['X-Auth-Token'] = 'demo:demo'
    root = endpoint.rsplit('/v2.1', 1)[0] + '/image/v2'
    return session, root


def test_create_upload_download_delete(glance):
    session, root = glance
    created = session.post(root + '/images', json={
        'name': 'uploaded', 'disk_format': 'qcow2',
        'container_format': 'bare', 'os_distro': 'debian'})
    assert created.status_code == 201, created.text
    image = created.json()
    assert (image['status'], image['visibility'], image['owner']) == (
        'queued', 'shared', 'demo')
    assert image['os_distro'] == 'debian'
    data = b'nova-core' * 100000
    put = session.put(root + '/images/%s/file' % image['id'], data=data,
                      headers={'Content-Type': 'application/octet-stream'})
    assert put.status_code == 204, put.text
    shown = session.get(root + '/images/%s' % image['id']).json()
    assert (shown['status'], shown['size']) == ('active', len(data))
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    got = session.get(root + '/images/%s/file' % image['id'])
    assert got.content == data
    assert got.headers['Content-MD5'] == shown['checksum']
    again = session.put(root + '/images/%s/file' % image['id'], data=b'x',
                        headers={'Content-Type': 'application/octet-stream'})
    assert again.status_code == 409
    other = requests.get(root + '/images/%s' % image['id'],
                         headers={'X-Auth-Token': 'eve:evil'})
    assert other.status_code == 404
    assert session.delete(root + '/images/%s' % image['id']).status_code == \
        204
    assert session.get(root + '/images/%s' % image['id']).status_code == 404


def test_patch_and_filters(glance):
    session, root = glance
    image = session.post(root + '/images', json={
        'name': 'patchme', 'disk_format': 'raw',
        'container_format': 'bare'}).json()
    patched = session.patch(root + '/images/%s' % image['id'], json=[
        {'op': 'replace', 'path': '/name', 'value': 'patched'},
        {'op': 'add', 'path': '/hw_disk_bus', 'value': 'virtio'}],
        headers={'Content-Type':
                 'application/openstack-images-v2.1-json-patch'})
    assert patched.status_code == 200, patched.text
    assert patched.json()['name'] == 'patched'
    assert patched.json()['hw_disk_bus'] == 'virtio'
    found = session.get(root + '/images', params={
        'id': 'in:%s' % image['id']}).json()['images']
    assert [i['name'] for i in found] == ['patched']
    session.delete(root + '/images/%s' % image['id'])


@pytest.mark.parametrize('body,status', [
    ({'name': 'x', 'disk_format': 'floppy'}, 400),
    ({'name': 'x', 'status': 'active'}, 403),
    ({'name': 'x', 'visibility': 'public'}, 403),
    ({'name': 'x', 'min_ram': -1}, 400),
    ({'name': 'x', 'id': 'not-a-uuid'}, 400),
])
def test_bad_image_creates(glance, body, status):
    session, root = glance
    before = len(session.get(root + '/images').json()['images'])
    response = session.post(root + '/images', json=body)
    assert response.status_code == status, response.text
    fault(response)
    assert len(session.get(root + '/images').json()['images']) == before


def test_upload_needs_octet_stream(glance):
    session, root = glance
    image = session.post(root + '/images', json={'name': 'typed'}).json()
    response = session.put(root + '/images/%s/file' % image['id'],
                           data=b'abc', headers={
                               'Content-Type': 'text/plain'})
    assert response.status_code == 415
    assert session.get(root + '/images/%s' % image['id']).json()[
        'status'] == 'queued'
    session.delete(root + '/images/%s' % image['id'])


def test_compute_proxy_and_glance_share_images(api, endpoint, image_id):
    proxy = api.as_user(version='2.35').get('/images/detail').json()
    assert image_id in [i['id'] for i in proxy['images']]
    as_glance = requests.get(endpoint + '/images', headers={
        'X-Auth-Token': 'demo:demo'}).json()
    assert 'first' in as_glance and image_id in [
        i['id'] for i in as_glance['images']]
