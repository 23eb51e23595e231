"""Signing in under noauth2 and against Keystone (a stub on loopback)."""
from unittest import mock

import pytest

from nova_core.dashboard import signin
from tests.unit.dashboard.keystone_stub import KeystoneStub


def test_noauth_token_is_user_and_project():
    identity = signin.NoAuth().sign_in('demo', '', 'proj')
    assert identity.token == 'demo:proj'
    assert not identity.is_admin and 'member' in identity.roles
    assert signin.NoAuth().sign_in('admin', '', '').is_admin
    assert signin.NoAuth().sign_in('admin', '', '').token == 'admin:admin'


@pytest.mark.parametrize('user,project', [('', 'p'), ('a:b', 'p'),
                                          ('a', 'p:q')])
def test_noauth_refuses_what_is_no_token(user, project):
    with pytest.raises(signin.SignInError):
        signin.NoAuth().sign_in(user, '', project)


@pytest.mark.parametrize('url', ['http://k:5000', 'http://k:5000/',
                                 'http://k:5000/v3', 'http://k:5000/v3/'])
def test_keystone_root(url):
    assert signin.keystone_root(url) == 'http://k:5000'


def test_keystone_sign_in_and_revoke():
    with KeystoneStub() as stub:
        keystone = signin.Keystone(stub.url + '/v3')
        identity = keystone.sign_in('alice', 'secret', 'web')
        assert identity.token in stub.issued
        assert identity.user == 'alice' and identity.project == 'p-web'
        assert identity.roles == ('member', 'reader')
        assert not identity.is_admin
        sent = stub.requests[-1]['auth']
        assert sent['scope']['project']['name'] == 'web'
        keystone.sign_out(identity)
        assert stub.revoked == [identity.token]
        assert keystone.sign_in('root', 'rootpw', 'admin').is_admin


def test_keystone_refuses_a_wrong_password():
    with KeystoneStub() as stub:
        with pytest.raises(signin.SignInError, match='Invalid credentials'):
            signin.Keystone(stub.url).sign_in('alice', 'wrong', 'web')
        with pytest.raises(signin.SignInError):
            signin.Keystone(stub.url).sign_in('alice', '', 'web')


def test_keystone_unreachable():
    with pytest.raises(signin.SignInError, match='cannot be reached'):
        signin.Keystone('http://127.0.0.1:9', timeout=2).sign_in(
            'alice', 'secret', 'web')


def test_for_conf_picks_the_strategy():
    conf = mock.Mock()
    conf.api.auth_strategy = 'noauth2'
    assert isinstance(signin.for_conf(conf), signin.NoAuth)
    conf.api.auth_strategy = 'keystone'
    conf.dashboard.keystone_url = None
    conf.keystone_authtoken.www_authenticate_uri = 'http://k:5000/v3'
    assert signin.for_conf(conf).url == 'http://k:5000/v3/auth/tokens'
    conf.dashboard.keystone_url = 'http://other:5000'
    assert signin.for_conf(conf).url == 'http://other:5000/v3/auth/tokens'
