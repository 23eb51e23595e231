"""Authentication strategies: noauth2's limits, keystone's context, and
auth_token in front of the app (503 when Keystone cannot be reached)."""
import socket

import flask
import pytest
from werkzeug.datastructures import EnvironHeaders

from nova_core import exception
from nova_core.api import auth
from nova_core.conf import CONF

GLOBAL_ID = 'req-0b094bf8-0dd9-4aac-bb94-16f7189af9d6'


def _headers(**headers):
    environ = {'HTTP_' + k.upper().replace('-', '_'): v
               for k, v in headers.items()}
    return EnvironHeaders(environ)


@pytest.mark.parametrize('token', ['', ':p', 'u:', ':'])
def test_noauth2_token_without_user_or_project_is_401(token):
    with pytest.raises(exception.NotAuthenticated):
        auth.noauth2(_headers(**{'X-Auth-Token': token}), 'req-1')


def test_noauth2_token_without_colon_names_both():
    ctxt = auth.noauth2(_headers(**{'X-Auth-Token': 'demo'}), 'req-1')
    assert (ctxt.user_id, ctxt.project_id, ctxt.is_admin) == ('demo',
                                                              'demo', False)


@pytest.mark.parametrize('given, kept', [
    (GLOBAL_ID, GLOBAL_ID), ('not-a-request-id', None),
    ('req-' + 'x' * 36, None)])
def test_callers_request_id_is_the_global_request_id(given, kept):
    ctxt = auth.noauth2(_headers(**{'X-Auth-Token': 'a:b',
                                    'X-OpenStack-Request-ID': given}),
                        'req-local')
    assert (ctxt.request_id, ctxt.global_request_id) == ('req-local', kept)


def _confirmed(**extra):
    headers = {'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
               'X-Project-Id': 'p1', 'X-Roles': 'reader,member',
               'X-User-Domain-Id': 'default',
               'X-Project-Domain-Id': 'default', 'X-Auth-Token': 'tok',
               'X-OpenStack-Request-ID': GLOBAL_ID}
    headers.update(extra)
    return _headers(**headers)


def test_keystone_context_from_auth_token_headers(conf):
    ctxt = auth.keystone(_confirmed(), 'req-local')
    assert (ctxt.user_id, ctxt.project_id, ctxt.user_domain_id,
            ctxt.auth_token, ctxt.global_request_id) == (
        'u1', 'p1', 'default', 'tok', GLOBAL_ID)
    assert sorted(ctxt.roles) == ['member', 'reader']
    assert ctxt.is_admin is False
    admin = auth.keystone(_confirmed(**{'X-Roles': 'admin,member'}), 'r')
    assert admin.is_admin is True


@pytest.mark.parametrize('change', [
    {'X-Identity-Status': 'Invalid'},
    {'X-Service-Identity-Status': 'Invalid'},
    {'X-Project-Id': ''}], ids=['invalid', 'bad-service-token',
                                 'domain-scoped'])
def test_keystone_rejects_what_auth_token_did_not_confirm(conf, change):
    headers = _confirmed(**change)
    if not change.get('X-Project-Id', 'x'):
        del headers.environ['HTTP_X_PROJECT_ID']
    with pytest.raises(exception.NotAuthenticated):
        auth.keystone(headers, 'req-local')


@pytest.mark.parametrize('host, allowed', [
    ('127.0.0.1', True), ('::1', True), ('localhost', True),
    ('0.0.0.0', False), ('192.0.2.10', False)])
def test_noauth2_only_on_loopback(conf, host, allowed):
    conf.config(osapi_compute_listen=host)
    if allowed:
        auth.check_noauth2_exposure(CONF)
    else:
        with pytest.raises(exception.ConfigInvalid,
                           match='allow_noauth2_on_public_address'):
            auth.check_noauth2_exposure(CONF)


def test_noauth2_on_public_address_when_allowed_warns(conf, caplog):
    conf.config(osapi_compute_listen='0.0.0.0')
    conf.config(group='api', allow_noauth2_on_public_address=True)
    auth.check_noauth2_exposure(CONF)
    assert 'noauth2 is served on 0.0.0.0' in caplog.text


def _closed_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_auth_token_answers_503_when_keystone_is_unreachable(conf):
    url = 'http://127.0.0.1:%d/v3' % _closed_port()
    auth.register_authtoken_opts(CONF)
    conf.config(group='api', auth_strategy='keystone')
    conf.config(group=auth.AUTHTOKEN_GROUP, www_authenticate_uri=url,
                auth_url=url, auth_type='password', username='nova',
                password='pw', project_name='service',
                user_domain_name='Default', project_domain_name='Default',
                http_connect_timeout=2)
    app = flask.Flask('t')

    @app.get('/')
    def index():
        return 'open'

    @app.get('/private')
    def private():
        status = flask.request.headers.get('X-Identity-Status')
        return ('', 204) if status == 'Confirmed' else ('no', 401)

    auth.wrap(app, CONF)
    client = app.test_client()
    assert client.get('/').text == 'open'
    resp = client.get('/private')
    assert resp.status_code == 401
    assert resp.headers['WWW-Authenticate'] == 'Keystone uri="%s"' % url
    resp = client.get('/private', headers={'X-Auth-Token': 'a-token'})
    assert resp.status_code == 503
    assert resp.json['serviceUnavailable']['code'] == 503
