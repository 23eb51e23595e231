"""Server metadata (``/servers/{id}/metadata``) and tags (2.26), with the
tag filters of server lists."""
import uuid

import pytest

from nova_core.db import instances as db_instances
from tests.fixtures.client import Client, fault


def _project_user(endpoint, version='2.100'):
    project = 'mt-%s' % uuid.uuid4().hex[:8]
    return Client(endpoint, token='mt-user:%s' % project, version=version)


@pytest.fixture
def user(endpoint):
    return _project_user(endpoint)


def _active(client, image_id, name='mt-vm', **extra):
    server = client.boot(name=name, image=image_id, **extra)
    client.wait_for(server['id'], 'ACTIVE')
    return server['id']


def _meta(client, server_id):
    response = client.get('/servers/%s/metadata' % server_id)
    assert response.status_code == 200, response.text
    return response.json()['metadata']


# --- metadata ---------------------------------------------------------------

def test_metadata_merge_replace_item(user, image_id):
    sid = _active(user, image_id, metadata={'a': '1'})
    base = '/servers/%s/metadata' % sid
    assert _meta(user, sid) == {'a': '1'}
    merged = user.post(base, json={'metadata': {'b': '2', 'a': '0'}})
    assert merged.status_code == 200
    assert merged.json() == {'metadata': {'a': '0', 'b': '2'}}
    replaced = user.put(base, json={'metadata': {'c': '3'}})
    assert replaced.json() == {'metadata': {'c': '3'}}
    item = user.put(base + '/d', json={'meta': {'d': '4'}})
    assert (item.status_code, item.json()) == (200, {'meta': {'d': '4'}})
    assert user.get(base + '/d').json() == {'meta': {'d': '4'}}
    assert user.delete(base + '/c').status_code == 204
    assert _meta(user, sid) == {'d': '4'}
    assert user.server(sid)['metadata'] == {'d': '4'}
    missing = user.get(base + '/c')
    assert fault(missing) == ('itemNotFound', 404,
                              'Metadata item was not found')
    assert fault(user.delete(base + '/c'))[:2] == ('itemNotFound', 404)


BAD_METADATA = [
    ('post', '', {'metadata': {'k' * 256: 'v'}}, 'does not match any'),
    ('post', '', {'metadata': {'': 'v'}}, 'does not match any'),
    ('post', '', {'metadata': {'a/b': 'v'}}, 'does not match any'),
    ('post', '', {'metadata': {'k': 1}}, "1 is not of type 'string'"),
    ('post', '', {'metadata': {'k': 'v' * 256}}, 'is too long'),
    ('post', '', {'meta': {'k': 'v'}}, "'metadata' is a required"),
    ('put', '', {'metadata': {'k': 'v'}, 'x': 1}, 'Additional properties'),
    ('put', '', {'metadata': []}, "is not of type 'object'"),
    ('put', '/k', {'meta': {'other': 'v'}}, 'Request body and URI mismatch'),
    ('put', '/k', {'meta': {'k': 'v', 'j': 'w'}}, 'has too many'),
    ('put', '/k', {'meta': {}}, 'should be non-empty'),
    ('put', '/k', {'metadata': {'k': 'v'}}, "'meta' is a required"),
]


@pytest.mark.parametrize('method,suffix,body,words', BAD_METADATA)
def test_bad_metadata_is_400_and_changes_nothing(user, image_id, method,
                                                 suffix, body, words):
    sid = _active(user, image_id, metadata={'keep': 'me'})
    response = user.request(method.upper(), '/servers/%s/metadata%s'
                            % (sid, suffix), json=body)
    key, code, message = fault(response)
    assert (key, code) == ('badRequest', 400)
    assert words in message
    assert _meta(user, sid) == {'keep': 'me'}


def test_metadata_items_quota(endpoint, admin, image_id):
    user = _project_user(endpoint)
    project = user.session.headers['X-Auth-Token'].split(':')[1]
    response = admin.put('/os-quota-sets/%s' % project,
                         json={'quota_set': {'metadata_items': 2}})
    assert response.status_code == 200, response.text
    sid = _active(user, image_id, metadata={'a': '1'})
    base = '/servers/%s/metadata' % sid
    assert user.post(base, json={'metadata': {'b': '2'}}).status_code == 200
    for response in (
            user.post(base, json={'metadata': {'c': '3'}}),
            user.put(base, json={'metadata': {'x': '1', 'y': '2',
                                              'z': '3'}}),
            user.put(base + '/c', json={'meta': {'c': '3'}})):
        assert fault(response) == ('forbidden', 403, 'Maximum number of '
                                   'metadata items exceeds 2')
    assert _meta(user, sid) == {'a': '1', 'b': '2'}
    # Changing an existing item does not add one.
    assert user.put(base + '/a', json={'meta': {'a': '9'}}).status_code == \
        200


def test_metadata_refused_in_error_state_and_when_locked(user, admin,
                                                         image_id):
    failed = user.boot(name='fail-mt', image=image_id)['id']
    user.wait_for(failed, 'ERROR')
    response = user.post('/servers/%s/metadata' % failed,
                         json={'metadata': {'a': 'b'}})
    assert fault(response) == (
        'conflictingRequest', 409, "Cannot 'update metadata' instance %s "
        "while it is in vm_state error" % failed)
    response = user.delete('/servers/%s/metadata/a' % failed)
    assert fault(response)[2].startswith("Cannot 'delete metadata'")
    sid = _active(user, image_id, metadata={'a': '1'})
    db_instances.update(sid, {'locked': True})
    for response in (
            user.post('/servers/%s/metadata' % sid,
                      json={'metadata': {'b': '2'}}),
            user.delete('/servers/%s/metadata/a' % sid)):
        assert fault(response) == ('conflictingRequest', 409,
                                   'Instance %s is locked' % sid)
    assert _meta(user, sid) == {'a': '1'}
    # Reading is fine, and admins pass the lock.
    assert admin.post('/servers/%s/metadata' % sid,
                      json={'metadata': {'b': '2'}}).status_code == 200
    assert _meta(user, sid) == {'a': '1', 'b': '2'}


def test_metadata_isolation_and_policy(user, endpoint, image_id):
    sid = _active(user, image_id, metadata={'a': '1'})
    stranger = _project_user(endpoint)
    for method, suffix, body in (('GET', '', None), ('GET', '/a', None),
                                 ('POST', '', {'metadata': {'b': '2'}}),
                                 ('DELETE', '/a', None)):
        response = stranger.request(method, '/servers/%s/metadata%s'
                                    % (sid, suffix), json=body)
        assert fault(response)[:2] == ('itemNotFound', 404)
    reader = Client(user.endpoint, token=user.session.headers[
        'X-Auth-Token'])
    reader.session.headers['X-Roles'] = 'reader'
    assert reader.get('/servers/%s/metadata' % sid).status_code == 200
    response = reader.post('/servers/%s/metadata' % sid,
                           json={'metadata': {'b': '2'}})
    assert fault(response)[:2] == ('forbidden', 403)
    assert _meta(user, sid) == {'a': '1'}


# --- tags --------------------------------------------------------------------

def test_tags_need_2_26(user, image_id):
    sid = _active(user, image_id)
    old = user.as_user(version='2.25')
    assert fault(old.get('/servers/%s/tags' % sid))[:2] == ('itemNotFound',
                                                            404)
    assert old.put('/servers/%s/tags/t' % sid).status_code == 404
    assert 'tags' not in old.server(sid)
    assert user.as_user(version='2.26').server(sid)['tags'] == []


def test_tag_lifecycle(user, image_id):
    sid = _active(user, image_id)
    tags = '/servers/%s/tags' % sid
    added = user.put(tags + '/blue')
    assert added.status_code == 201
    assert added.headers['Location'].endswith('/v2.1' + tags + '/blue')
    assert user.put(tags + '/blue').status_code == 204
    assert user.get(tags + '/blue').status_code == 204
    missing = user.get(tags + '/red')
    assert fault(missing) == ('itemNotFound', 404, "Server %s has no tag "
                              "'red'" % sid)
    assert user.get(tags).json() == {'tags': ['blue']}
    replaced = user.put(tags, json={'tags': ['x', 'y', 'x']})
    assert (replaced.status_code, replaced.json()) == (200,
                                                       {'tags': ['x', 'y']})
    assert user.server(sid)['tags'] == ['x', 'y']
    assert user.delete(tags + '/x').status_code == 204
    gone = user.delete(tags + '/x')
    assert fault(gone) == ('itemNotFound', 404,
                           "Instance %s has no tag 'x'" % sid)
    assert user.delete(tags).status_code == 204
    assert user.get(tags).json() == {'tags': []}


def test_bad_tags_are_400_and_change_nothing(user, image_id):
    sid = _active(user, image_id)
    tags = '/servers/%s/tags' % sid
    user.put(tags, json={'tags': ['keep']})
    for response in (user.put(tags + '/a,b'), user.put(tags + '/' + 'x' * 61)):
        assert fault(response)[:2] == ('badRequest', 400)
        assert "is invalid. It must be a non empty string without " \
            "characters '/' and ','" in fault(response)[2]
    for body, words in (
            ({'tags': ['a/b']}, 'does not match'),
            ({'tags': ['']}, 'should be non-empty'),
            ({'tags': 'abc'}, "is not of type 'array'"),
            ({'tag': ['a']}, "'tags' is a required"),
            ({'tags': ['t%d' % i for i in range(51)]},
             'The number of tags exceeded the per-server limit 50')):
        response = user.put(tags, json=body)
        assert fault(response)[:2] == ('badRequest', 400)
        assert words in fault(response)[2]
    assert user.get(tags).json() == {'tags': ['keep']}
    user.put(tags, json={'tags': ['t%d' % i for i in range(50)]})
    full = user.put(tags + '/one-more')
    assert fault(full) == ('badRequest', 400, 'The number of tags exceeded '
                           'the per-server limit 50')
    assert user.put(tags + '/t0').status_code == 204


def test_tags_refused_in_error_state(user, image_id):
    failed = user.boot(name='fail-tags', image=image_id)['id']
    user.wait_for(failed, 'ERROR')
    response = user.put('/servers/%s/tags/t' % failed)
    assert fault(response) == (
        'conflictingRequest', 409, "Cannot 'update tag' instance %s while "
        "it is in vm_state error" % failed)
    assert user.get('/servers/%s/tags' % failed).json() == {'tags': []}


def test_create_with_tags_from_2_52(user, image_id):
    server = user.boot(name='mt-tagged', image=image_id,
                       tags=['a', 'b', 'a'])
    assert user.server(server['id'])['tags'] == ['a', 'b']
    response = user.as_user(version='2.51').boot(
        name='mt-tagged', image=image_id, tags=['a'], expect=400)
    assert 'Additional properties' in fault(response)[2]


def _ids(client, **params):
    servers = client.get('/servers', params=params).json()['servers']
    return {s['id'] for s in servers}


def test_list_tag_filters(user, image_id):
    p = uuid.uuid4().hex[:6]
    both = user.boot(name='mt-f', image=image_id,
                     tags=[p + 'a', p + 'b'])['id']
    only_a = user.boot(name='mt-f', image=image_id, tags=[p + 'a'])['id']
    other = user.boot(name='mt-f', image=image_id, tags=[p + 'c'])['id']
    none = user.boot(name='mt-f', image=image_id)['id']
    mine = {both, only_a, other, none}
    assert _ids(user, tags=p + 'a,' + p + 'b') == {both}
    assert _ids(user, tags=p + 'a') == {both, only_a}
    assert _ids(user, **{'tags-any': p + 'b,' + p + 'c'}) == {both, other}
    assert _ids(user, **{'not-tags': p + 'a,' + p + 'b'}) & mine == {
        only_a, other, none}
    assert _ids(user, **{'not-tags-any': p + 'a,' + p + 'c'}) & mine == {
        none}
    assert _ids(user, tags=p + 'a', **{'not-tags': p + 'b'}) == {only_a}
    # Paging runs in the database: every page is full until the last.
    seen, marker = [], None
    while True:
        params = {'tags-any': p + 'a,' + p + 'c', 'limit': 1}
        if marker:
            params['marker'] = marker
        page = user.get('/servers', params=params).json()['servers']
        if not page:
            break
        seen += [s['id'] for s in page]
        marker = page[-1]['id']
    assert sorted(seen) == sorted({both, only_a, other})
    # Before 2.26 the filters are ignored.
    old = user.as_user(version='2.25')
    assert mine <= _ids(old, tags=p + 'zzz')
