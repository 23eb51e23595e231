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


def test_image_metadata_proxy(glance, api):
    """Nova's /images/{id}/metadata[/key] (Tempest's test_image_metadata):
    the image's properties, as strings, until 2.39."""
    session, root = glance
    image = session.post(root + '/images', json={
        'name': 'with-meta', 'disk_format': 'raw', 'container_format': 'bare',
        'os_version': 'value1', 'hw_cpu_cores': '2'}).json()
    proxy = api.as_user(version='2.38')
    path = '/images/%s/metadata' % image['id']
    assert proxy.get(path).json() == {'metadata': {
        'os_version': 'value1', 'hw_cpu_cores': '2'}}
    assert proxy.get(path + '/os_version').json() == {
        'meta': {'os_version': 'value1'}}
    assert proxy.get(path + '/absent').status_code == 404
    created = proxy.post(path, json={'metadata': {'key2': 'value2'}})
    assert created.json()['metadata']['key2'] == 'value2'
    assert proxy.put(path + '/key2', json={'meta': {'key2': 'v3'}}).json() \
        == {'meta': {'key2': 'v3'}}
    mismatch = proxy.put(path + '/key2', json={'meta': {'other': 'x'}})
    assert mismatch.status_code == 400
    assert proxy.put(path, json={'metadata': {'only': 'this'}}).json() == {
        'metadata': {'only': 'this'}}
    assert proxy.get(path).json() == {'metadata': {'only': 'this'}}
    assert proxy.delete(path + '/only').status_code == 204
    assert proxy.delete(path + '/only').status_code == 404
    assert proxy.get(path).json() == {'metadata': {}}
    assert api.as_user(version='2.39').get(path).status_code == 404
    stranger = api.as_user(token='eve:evil', version='2.38')
    assert stranger.get(path).status_code == 404


def test_proxy_delete_without_id_is_404(api):
    assert api.as_user(version='2.35').delete('/images/').status_code == 404


def test_proxy_filters_by_server_and_type(api, image_id):
    """Snapshots carry instance_uuid and image_type=snapshot; the proxy's
    ``server`` (id or URL) and ``type`` filters match them, as Nova's."""
    server_id = api.boot('snapped', image=image_id)['id']
    try:
        api.wait_for(server_id, 'ACTIVE')
        response = api.action(server_id, {'createImage': {'name': 'snap'}})
        assert response.status_code == 202, response.text
        snapshot_id = response.json()['image_id']
        api.wait_for(server_id, 'ACTIVE')
        proxy = api.as_user(version='2.35')
        server_url = '%s/servers/%s' % (api.endpoint, server_id)
        for params in ({'server': server_id}, {'server': server_url},
                       {'type': 'snapshot'},
                       {'property-image_type': 'snapshot'}):
            for path in ('/images', '/images/detail'):
                ids = [i['id'] for i in proxy.get(path, params=params).json()[
                    'images']]
                assert snapshot_id in ids and image_id not in ids, params
        # Other tests' backups may share this cloud: none is this server's.
        assert proxy.get('/images', params={
            'type': 'backup', 'server': server_id}).json()['images'] == []
        proxy.delete('/images/%s' % snapshot_id)
    finally:
        api.delete('/servers/%s' % server_id)
