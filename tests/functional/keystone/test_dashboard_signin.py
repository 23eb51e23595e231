"""The dashboard's sign-in against the real Keystone of ``ks_cloud``
(``nova-core-all --keystone``): Keystone's password method scoped to the
project named, a server-side session behind an HttpOnly SameSite cookie,
what a member may see, and a sign-out that revokes the Keystone token."""
import re

import requests

from nova_core.dashboard import sessions
from tests.functional.keystone.test_auth import _image_id


def _dashboard(ks_cloud):
    return ks_cloud.api_url + '/dashboard'


def _login_form(http, ks_cloud):
    page = http.get(_dashboard(ks_cloud) + '/login', timeout=30)
    assert page.status_code == 200
    assert 'name="password"' in page.text
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _sign_in(ks_cloud, user, password, project):
    http = requests.Session()
    csrf = _login_form(http, ks_cloud)
    response = http.post(_dashboard(ks_cloud) + '/login', timeout=30,
                         allow_redirects=False, data={
                             'csrf': csrf, 'username': user,
                             'password': password, 'project': project})
    return http, response


def _revocations(ks_cloud, admin_token):
    response = requests.get(ks_cloud.auth_url + '/OS-REVOKE/events',
                            headers={'X-Auth-Token': admin_token},
                            timeout=30)
    response.raise_for_status()
    return response.json()['events']


def test_wrong_password_is_refused_with_no_session(ks_cloud):
    http, response = _sign_in(ks_cloud, 'alice', 'not-her-password',
                              'alpha')
    assert response.status_code == 401
    assert 'Invalid credentials.' in response.text
    assert sessions.COOKIE not in http.cookies
    listed = http.get(_dashboard(ks_cloud) + '/instances', timeout=30,
                      allow_redirects=False)
    assert listed.status_code == 302
    assert '/dashboard/login' in listed.headers['Location']


def test_a_project_other_than_the_users_is_refused(ks_cloud):
    _, response = _sign_in(ks_cloud, 'alice', ks_cloud.passwords['alice'],
                           'beta')
    assert response.status_code == 401


def test_member_signs_in_sees_her_project_only_and_no_admin_pages(
        ks_cloud, as_user):
    alice, bob = as_user('alice'), as_user('bob')
    mine = alice.boot('dash-ks-alice', image=_image_id(alice))
    theirs = bob.boot('dash-ks-bob', image=_image_id(bob))
    try:
        http, response = _sign_in(ks_cloud, 'alice',
                                  ks_cloud.passwords['alice'], 'alpha')
        assert response.status_code == 302, response.text
        assert response.headers['Location'].endswith('/dashboard/instances')
        set_cookie, = [c for c in response.raw.headers.getlist('Set-Cookie')
                       if c.startswith(sessions.COOKIE + '=')]
        assert 'HttpOnly' in set_cookie and 'SameSite=Strict' in set_cookie
        page = http.get(_dashboard(ks_cloud) + '/instances', timeout=30)
        assert page.status_code == 200
        assert 'dash-ks-alice' in page.text
        assert 'dash-ks-bob' not in page.text
        # The Keystone token stays on the server: neither the cookie nor
        # the page carries it.
        assert ks_cloud.token('alice') not in page.text
        for path in ('/admin/hypervisors', '/admin/services',
                     '/admin/instances'):
            assert http.get(_dashboard(ks_cloud) + path,
                            timeout=30).status_code == 403, path
    finally:
        alice.delete('/servers/%s' % mine['id'])
        bob.delete('/servers/%s' % theirs['id'])


def test_admin_sees_admin_pages(ks_cloud):
    http, response = _sign_in(ks_cloud, 'admin', ks_cloud.passwords['admin'],
                              'admin')
    assert response.status_code == 302, response.text
    page = http.get(_dashboard(ks_cloud) + '/admin/hypervisors', timeout=30)
    assert page.status_code == 200


def test_sign_out_revokes_the_keystone_token(ks_cloud, tokens):
    admin_token = tokens('admin')
    before = len(_revocations(ks_cloud, admin_token))
    http, response = _sign_in(ks_cloud, 'bob', ks_cloud.passwords['bob'],
                              'beta')
    assert response.status_code == 302, response.text
    page = http.get(_dashboard(ks_cloud) + '/instances', timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    out = http.post(_dashboard(ks_cloud) + '/logout', data={'csrf': csrf},
                    timeout=30, allow_redirects=False)
    assert out.status_code == 302
    assert out.headers['Location'].endswith('/dashboard/login')
    assert len(_revocations(ks_cloud, admin_token)) > before
    again = http.get(_dashboard(ks_cloud) + '/instances', timeout=30,
                     allow_redirects=False)
    assert again.status_code == 302
    assert '/dashboard/login' in again.headers['Location']
