"""The dashboard app's request handling: sign-in, CSRF, the security
headers, escaping, single-sending and an expired token, against a
Compute API stand-in on loopback."""
import re

import pytest

from nova_core import dashboard
from nova_core.conf import CONF
from nova_core.dashboard import sessions, signin, web
from tests.unit.dashboard import compute_stub
from tests.unit.dashboard.compute_stub import ComputeStub
from tests.unit.dashboard.keystone_stub import KeystoneStub


@pytest.fixture
def stub():
    with ComputeStub() as stub:
        yield stub


@pytest.fixture
def app(conf, stub):
    conf.config(group='dashboard', compute_endpoint=stub.endpoint)
    return dashboard.create_app(CONF)


@pytest.fixture
def browser(app):
    return app.test_client()


def _login(browser, user='demo', password='', project='demo'):
    page = browser.get('/login').get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return browser.post('/login', data={'csrf': csrf, 'username': user,
                                        'password': password,
                                        'project': project})


def _csrf(browser):
    page = browser.get('/instances').get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_pages_need_a_session(browser):
    response = browser.get('/instances')
    assert response.status_code == 302
    assert '/login?next=/instances' in response.location


def test_sign_in_sets_an_httponly_strict_cookie(browser):
    response = _login(browser)
    assert response.status_code == 302
    cookie = [c for c in response.headers.getlist('Set-Cookie')
              if c.startswith(sessions.COOKIE + '=')][0]
    assert 'HttpOnly' in cookie and 'SameSite=Strict' in cookie
    assert 'demo:demo' not in browser.get('/instances').get_data(
        as_text=True)


def test_sign_in_needs_its_csrf_cookie(browser):
    response = browser.post('/login', data={'csrf': 'x', 'username': 'a',
                                            'project': 'a'})
    assert response.status_code == 400


def test_state_changes_need_the_csrf_token(browser, stub):
    _login(browser)
    response = browser.post('/instances/s1/action',
                            data={'csrf': 'wrong', 'key': 'pause'})
    assert response.status_code == 400
    response = browser.post('/logout')
    assert response.status_code == 400
    assert browser.get('/instances').status_code == 200  # still signed in
    assert stub.sent == []


def test_every_response_forbids_inline_script(browser):
    for response in (browser.get('/login'), browser.get('/instances')):
        csp = response.headers['Content-Security-Policy']
        assert "script-src 'self'" in csp and 'unsafe' not in csp


def test_user_input_is_escaped(browser):
    _login(browser)
    page = browser.get('/instances').get_data(as_text=True)
    assert '<script>alert(1)</script>' not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert '<script src="/static/dashboard.js" defer></script>' in page
    assert not re.search(r'<script(?![^>]*\bsrc=)', page)  # no inline
    assert not re.search(r'\son[a-z]+=', page)  # no inline handlers


def test_a_form_sent_twice_acts_once(browser, stub):
    _login(browser)
    data = {'csrf': _csrf(browser), 'nonce': 'n-1', 'key': 'pause'}
    for _ in range(2):
        response = browser.post('/instances/s1/action', data=data)
        assert response.status_code == 302
    assert stub.sent == [('s1', {'pause': None})]


def test_destructive_actions_ask_first(browser, stub):
    _login(browser)
    csrf = _csrf(browser)
    response = browser.post('/instances/s1/action',
                            data={'csrf': csrf, 'nonce': 'n-2',
                                  'key': 'delete'})
    assert response.status_code == 200
    assert 'name="confirmed"' in response.get_data(as_text=True)
    response = browser.post('/instances/s1/action',
                            data={'csrf': csrf, 'nonce': 'n-3',
                                  'key': 'os-stop', 'confirmed': '1'})
    assert response.status_code == 302
    assert stub.sent == [('s1', {'os-stop': None})]


def test_the_api_error_is_shown(browser, stub):
    _login(browser)
    browser.post('/instances/s1/action',
                 data={'csrf': _csrf(browser), 'nonce': 'n-4',
                       'key': 'os-start'})
    page = browser.get('/instances').get_data(as_text=True)
    assert ("Unable to start instance: Cannot &#39;start&#39; instance s1 "
            "while it is in vm_state active") in page


def test_an_expired_token_sends_back_to_sign_in(browser):
    _login(browser, user='expired', project='x')
    response = browser.get('/instances')
    assert response.status_code == 302
    assert '/login?expired=1' in response.location
    assert browser.get('/instances').status_code == 302  # session gone
    fragment = browser.get('/instances/rows?id=s1',
                           headers={'X-Requested-With': 'fetch'})
    assert fragment.status_code == 401


def test_sign_out_ends_the_session(browser):
    _login(browser)
    response = browser.post('/logout', data={'csrf': _csrf(browser)})
    assert response.status_code == 302
    assert browser.get('/instances').status_code == 302


def test_members_get_no_admin_pages(browser):
    _login(browser)
    assert browser.get('/admin/hypervisors').status_code == 403
    assert 'Hypervisors' not in browser.get('/instances').get_data(
        as_text=True)


def test_keystone_sign_in_and_sign_out_revokes(app, browser):
    with KeystoneStub() as keystone:
        app.extensions['dashboard']['signin'] = signin.Keystone(
            keystone.url)
        page = browser.get('/login').get_data(as_text=True)
        assert 'name="password"' in page and 'name="project"' in page
        response = _login(browser, 'alice', 'wrong', 'web')
        assert response.status_code == 401
        assert 'Invalid credentials' in response.get_data(as_text=True)
        assert _login(browser, 'alice', 'secret', 'web').status_code == 302
        session = app.extensions['dashboard']['store']
        assert len(session) == 1
        token = list(keystone.issued)[0]
        browser.post('/logout', data={'csrf': _csrf(browser)})
        assert keystone.revoked == [token]
        assert len(session) == 0


def test_compute_endpoint_defaults_to_the_listen_address(app, conf):
    conf.config(group='dashboard', compute_endpoint=None)
    conf.config(osapi_compute_listen='0.0.0.0')
    with app.test_request_context('/', headers={'Host': 'evil.example'},
                                  environ_overrides={'SERVER_PORT': '8774'}):
        assert web.compute_endpoint() == 'http://127.0.0.1:8774/v2.1'


def test_an_api_refusal_is_shown_in_its_words(browser):
    _login(browser)
    response = browser.get('/instances/gone')
    assert response.status_code == 404
    assert 'Instance gone could not be found.' in response.get_data(
        as_text=True)


def test_edit_security_groups_sends_the_difference(browser, stub, monkeypatch):
    monkeypatch.setitem(compute_stub.SERVER, 'security_groups', [
        {'name': 'default'}])
    _login(browser)
    page = browser.get('/instances/s1/form/securityGroups').get_data(
        as_text=True)
    assert 'value="default" checked' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    # Nothing ticked: the server leaves 'default'.
    response = browser.post('/instances/s1/form/securityGroups',
                            data={'csrf': csrf, 'nonce': 'sg-1'})
    assert response.status_code == 302
    assert stub.sent == [('s1', {'removeSecurityGroup': {
        'name': 'default'}})]
    # A group that does not exist is refused before anything is sent.
    response = browser.post('/instances/s1/form/securityGroups',
                            data={'csrf': csrf, 'nonce': 'sg-2',
                                  'group': ['default', 'web']})
    assert response.status_code == 400
    assert len(stub.sent) == 1
