"""``/os-keypairs`` per microversion, and key pairs used by server create."""
import base64
import hashlib
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from nova_core.db import instances as db_instances
from tests.fixtures.client import Client, fault


def _user(endpoint, version='2.1'):
    """A client for a user of its own, so lists start empty."""
    name = 'kp-%s' % uuid.uuid4().hex[:8]
    return Client(endpoint, token='%s:kp-project' % name, version=version)


def _user_id(client):
    return client.session.headers['X-Auth-Token'].split(':')[0]


def _ssh_key():
    key = ed25519.Ed25519PrivateKey.generate()
    line = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode()
    digest = hashlib.md5(base64.b64decode(line.split()[1])).hexdigest()
    return line + ' me@host', ':'.join(digest[i:i + 2]
                                      for i in range(0, 32, 2))


def _create(client, expect=None, **keypair):
    response = client.post('/os-keypairs', json={'keypair': keypair})
    if expect is not None:
        assert response.status_code == expect, response.text
    return response


def test_generate_at_2_1_returns_the_private_key_once(endpoint):
    user = _user(endpoint)
    created = _create(user, 200, name='gen').json()['keypair']
    assert set(created) == {'name', 'public_key', 'fingerprint', 'user_id',
                            'private_key'}
    assert created['user_id'] == _user_id(user)
    private = serialization.load_pem_private_key(
        created['private_key'].encode(), None)
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode()
    assert created['public_key'].startswith(public + ' ')
    digest = hashlib.md5(base64.b64decode(public.split()[1])).hexdigest()
    assert created['fingerprint'].replace(':', '') == digest
    shown = user.get('/os-keypairs/gen').json()['keypair']
    assert 'private_key' not in shown
    assert set(shown) == {'name', 'public_key', 'fingerprint', 'user_id',
                          'created_at', 'updated_at', 'deleted_at',
                          'deleted', 'id'}
    assert shown['deleted'] is False
    listed = user.get('/os-keypairs').json()
    assert listed == {'keypairs': [{'keypair': {
        'name': 'gen', 'public_key': created['public_key'],
        'fingerprint': created['fingerprint']}}]}


def test_import_ssh_key_with_nova_fingerprint(endpoint):
    user = _user(endpoint, '2.2')
    line, fingerprint = _ssh_key()
    created = _create(user, 201, name='imported',
                      public_key=line).json()['keypair']
    assert created == {'name': 'imported', 'public_key': line,
                       'fingerprint': fingerprint, 'type': 'ssh',
                       'user_id': _user_id(user)}
    assert user.get('/os-keypairs/imported').json()['keypair']['type'] == \
        'ssh'
    assert user.get('/os-keypairs').json()['keypairs'][0]['keypair'][
        'type'] == 'ssh'


def test_x509_generated_and_imported(endpoint):
    user = _user(endpoint, '2.2')
    created = _create(user, 201, name='cert', type='x509').json()['keypair']
    cert = x509.load_pem_x509_certificate(created['public_key'].encode())
    assert cert.subject.rfc4514_string() == 'CN=%s' % _user_id(user)
    assert created['fingerprint'] == ':'.join(
        '%02x' % b for b in cert.fingerprint(hashes.SHA1()))
    assert created['type'] == 'x509'
    serialization.load_pem_private_key(created['private_key'].encode(), None)
    imported = _create(user, 201, name='cert2', type='x509',
                       public_key=created['public_key']).json()['keypair']
    assert imported['fingerprint'] == created['fingerprint']
    bad = _create(user, 400, name='cert3', type='x509',
                  public_key='not a certificate')
    assert fault(bad)[2].startswith('Keypair data is invalid: failed to '
                                    'generate X509 fingerprint.')


@pytest.mark.parametrize('version,create_code,delete_code', [
    ('2.1', 200, 202), ('2.2', 201, 204), ('2.100', 201, 204)])
def test_status_codes_per_version(endpoint, version, create_code,
                                  delete_code):
    user = _user(endpoint, version)
    _create(user, create_code, name='k', public_key=_ssh_key()[0])
    assert user.delete('/os-keypairs/k').status_code == delete_code
    gone = user.get('/os-keypairs/k')
    assert fault(gone) == ('itemNotFound', 404, 'Keypair k not found for '
                           'user %s' % _user_id(user))
    assert fault(user.delete('/os-keypairs/k'))[1] == 404


def test_duplicate_name_is_409_per_user(endpoint):
    user, other = _user(endpoint), _user(endpoint)
    _create(user, 200, name='dup')
    response = _create(user, 409, name='dup')
    assert fault(response) == ('conflictingRequest', 409,
                               "Key pair 'dup' already exists.")
    _create(other, 200, name='dup')  # names are per user
    user.delete('/os-keypairs/dup')
    _create(user, 200, name='dup')  # a deleted name is free again


BAD = [
    ('no-keypair', {'name': 'x'}, "'keypair' is a required property"),
    ('no-name', {'keypair': {}}, "'name' is a required property"),
    ('extra', {'keypair': {'name': 'x', 'colour': 1}},
     'Additional properties are not allowed'),
    ('type-before-2.2', {'keypair': {'name': 'x', 'type': 'ssh'}},
     'Additional properties are not allowed'),
    ('blank-name', {'keypair': {'name': ''}}, 'name'),
    ('long-name', {'keypair': {'name': 'x' * 256}}, 'is too long'),
    ('spaces-around', {'keypair': {'name': ' x'}}, "invalid 'name'"),
    ('unsafe-char', {'keypair': {'name': 'a/b'}},
     'Only expected characters'),
    ('at-before-2.92', {'keypair': {'name': 'me@host'}},
     'Only expected characters'),
    ('bad-key', {'keypair': {'name': 'x', 'public_key': 'ssh-rsa nope'}},
     'Keypair data is invalid: failed to generate fingerprint'),
    ('key-not-string', {'keypair': {'name': 'x', 'public_key': 1}},
     "is not of type 'string'"),
]


@pytest.mark.parametrize('body,words', [c[1:] for c in BAD],
                         ids=[c[0] for c in BAD])
def test_bad_create_is_400_and_creates_nothing(endpoint, body, words):
    user = _user(endpoint)
    response = user.post('/os-keypairs', json=body)
    key, code, message = fault(response)
    assert (key, code) == ('badRequest', 400)
    assert words in message
    assert user.get('/os-keypairs').json() == {'keypairs': []}


def test_bad_type_at_2_2(endpoint):
    user = _user(endpoint, '2.2')
    response = _create(user, 400, name='x', type='rsa')
    assert "'rsa' is not one of ['ssh', 'x509']" in fault(response)[2]


def test_2_92_requires_public_key_and_allows_at_and_dot(endpoint):
    user = _user(endpoint, '2.92')
    response = _create(user, 400, name='gen')
    assert "'public_key' is a required property" in fault(response)[2]
    _create(_user(endpoint, '2.91'), 201, name='gen')
    created = _create(user, 201, name='me@host.example',
                      public_key=_ssh_key()[0]).json()['keypair']
    assert created['name'] == 'me@host.example'
    assert user.get('/os-keypairs/me@host.example').status_code == 200


def test_user_id_for_admins_from_2_10(endpoint, admin):
    owner = _user(endpoint, '2.10')
    owner_id = _user_id(owner)
    admin = admin.as_user(version='2.10')
    created = _create(admin, 201, name='given', user_id=owner_id,
                      public_key=_ssh_key()[0]).json()['keypair']
    assert created['user_id'] == owner_id
    assert [k['keypair']['name'] for k in owner.get(
        '/os-keypairs').json()['keypairs']] == ['given']
    listed = admin.get('/os-keypairs', params={'user_id': owner_id}).json()
    assert [k['keypair']['name'] for k in listed['keypairs']] == ['given']
    shown = admin.get('/os-keypairs/given', params={'user_id': owner_id})
    assert shown.json()['keypair']['user_id'] == owner_id
    # A member may not act for another user.
    other = _user(endpoint, '2.10')
    for response in (
            _create(other, name='x', user_id=owner_id),
            other.get('/os-keypairs', params={'user_id': owner_id}),
            other.get('/os-keypairs/given', params={'user_id': owner_id}),
            other.delete('/os-keypairs/given',
                         params={'user_id': owner_id})):
        assert fault(response)[:2] == ('forbidden', 403)
    assert admin.delete('/os-keypairs/given', params={
        'user_id': owner_id}).status_code == 204
    assert owner.get('/os-keypairs').json() == {'keypairs': []}
    # Before 2.10 the body may not name a user.
    response = _create(admin.as_user(version='2.9'), 400, name='x',
                       user_id=owner_id)
    assert 'Additional properties' in fault(response)[2]


def test_users_never_see_each_others_keys(endpoint):
    one, two = _user(endpoint), _user(endpoint)
    _create(one, 200, name='mine')
    assert two.get('/os-keypairs').json() == {'keypairs': []}
    assert two.get('/os-keypairs/mine').status_code == 404
    assert two.delete('/os-keypairs/mine').status_code == 404
    assert one.get('/os-keypairs/mine').status_code == 200


def test_paging_from_2_35(endpoint):
    user = _user(endpoint, '2.35')
    for name in ('p1', 'p2', 'p3'):
        _create(user, 201, name=name, public_key=_ssh_key()[0])
    page = user.get('/os-keypairs', params={'limit': 2}).json()
    assert [k['keypair']['name'] for k in page['keypairs']] == ['p1', 'p2']
    (link,) = page['keypairs_links']
    assert link['rel'] == 'next' and 'marker=p2' in link['href']
    rest = user.get(link['href']).json()
    assert [k['keypair']['name'] for k in rest['keypairs']] == ['p3']
    assert 'keypairs_links' not in rest
    after = user.get('/os-keypairs', params={'marker': 'p1'}).json()
    assert [k['keypair']['name'] for k in after['keypairs']] == ['p2', 'p3']
    bad = user.get('/os-keypairs', params={'marker': 'nope'})
    assert fault(bad) == ('badRequest', 400,
                          'Marker nope could not be found.')
    bad = user.get('/os-keypairs', params={'limit': 'x'})
    assert fault(bad)[:2] == ('badRequest', 400)
    # Before 2.35 paging parameters are ignored.
    old = user.as_user(version='2.34').get('/os-keypairs',
                                           params={'limit': 1}).json()
    assert len(old['keypairs']) == 3 and 'keypairs_links' not in old


def test_key_pairs_quota(endpoint, admin):
    project = 'kpq-%s' % uuid.uuid4().hex[:8]
    response = admin.put('/os-quota-sets/%s' % project,
                         json={'quota_set': {'key_pairs': 1}})
    assert response.status_code == 200, response.text
    user = Client(endpoint, token='kpq-user-%s:%s' % (project, project),
                  version='2.2')
    _create(user, 201, name='one', public_key=_ssh_key()[0])
    response = _create(user, 403, name='two', public_key=_ssh_key()[0])
    assert fault(response) == ('forbidden', 403,
                               'Quota exceeded, too many key pairs.')
    assert [k['keypair']['name'] for k in user.get(
        '/os-keypairs').json()['keypairs']] == ['one']


def test_server_create_with_key_name(endpoint, image_id):
    user = _user(endpoint, '2.100')
    line, _ = _ssh_key()
    _create(user, 201, name='boot-key', public_key=line)
    server = user.boot(name='kp-vm', image=image_id, key_name='boot-key')
    shown = user.server(server['id'])
    assert shown['key_name'] == 'boot-key'
    assert db_instances.get(server['id'])['key_data'] == line
    listed = user.get('/servers/detail').json()['servers']
    assert [s['key_name'] for s in listed if s['id'] == server['id']] == [
        'boot-key']
    user.delete('/servers/%s' % server['id'])


@pytest.mark.parametrize('key_name', ['no-such-key', 'other-users-key'])
def test_server_create_with_unknown_key_is_400(endpoint, image_id,
                                               key_name):
    owner, user = _user(endpoint), _user(endpoint, '2.100')
    _create(owner, 200, name='other-users-key')
    name = 'kp-bad-%s' % uuid.uuid4().hex[:6]
    response = user.boot(name=name, image=image_id, key_name=key_name,
                         expect=400)
    assert fault(response) == ('badRequest', 400,
                               'Invalid key_name provided.')
    servers = user.get('/servers', params={'name': name}).json()['servers']
    assert servers == []
