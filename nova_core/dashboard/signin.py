"""Signing in and out, for each ``[api] auth_strategy``.

``noauth2``: the API trusts the token ``user:project`` and the user
``admin`` is an administrator, so signing in needs no password.

``keystone``: the password method of Keystone's ``POST /v3/auth/tokens``,
scoped to the project named; the token comes back in ``X-Subject-Token``
and its roles in the body. Signing out revokes it
(``DELETE /v3/auth/tokens``).
"""
import collections

import requests
from oslo_config import cfg

#: What the dashboard knows of a signed-in user.
Identity = collections.namedtuple(
    'Identity', 'token user project roles is_admin')

DEFAULT_DOMAIN = 'Default'


class SignInError(Exception):
    """The credentials were refused, or Keystone cannot be reached."""


class NoAuth:
    """Sign-in under ``noauth2``."""

    needs_password = False

    def sign_in(self, username, password, project):
        if not username or ':' in username:
            raise SignInError('Enter a user name without a colon.')
        if ':' in (project or ''):
            raise SignInError('Enter a project name without a colon.')
        project = project or username
        is_admin = username == 'admin'
        roles = ('admin', 'member', 'reader') if is_admin else (
            'member', 'reader')
        return Identity('%s:%s' % (username, project), username, project,
                        roles, is_admin)

    def sign_out(self, identity):
        """Nothing to revoke: a noauth2 token is not a secret."""


def keystone_root(url):
    """Keystone's root from its URL with or without ``/v3``."""
    url = url.rstrip('/')
    return url[:-3] if url.endswith('/v3') else url


class Keystone:
    """Sign-in against Keystone's identity API v3."""

    needs_password = True

    def __init__(self, url, timeout=30, http=None):
        self.url = keystone_root(url) + '/v3/auth/tokens'
        self.timeout = timeout
        self.http = http or requests.Session()

    def _body(self, username, password, project):
        domain = {'name': DEFAULT_DOMAIN}
        return {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': username, 'domain': domain, 'password': password}}},
            'scope': {'project': {'name': project, 'domain': domain}}}}

    def sign_in(self, username, password, project):
        if not (username and password and project):
            raise SignInError('Enter your user name, password and '
                              'project.')
        try:
            response = self.http.post(
                self.url, json=self._body(username, password, project),
                timeout=self.timeout)
        except requests.RequestException:
            raise SignInError('The identity service cannot be reached.')
        if response.status_code == 401:
            raise SignInError('Invalid credentials.')
        if response.status_code >= 400:
            raise SignInError('The identity service refused the sign-in '
                              '(HTTP %s).' % response.status_code)
        token = response.headers.get('X-Subject-Token')
        body = response.json()['token']
        roles = tuple(r['name'].lower() for r in body.get('roles', []))
        return Identity(token, body['user']['name'],
                        body['project']['id'], roles, 'admin' in roles)

    def sign_out(self, identity):
        """Revoke the token; one already expired or revoked is fine."""
        try:
            self.http.delete(self.url, timeout=self.timeout, headers={
                'X-Auth-Token': identity.token,
                'X-Subject-Token': identity.token})
        except requests.RequestException:
            pass


def for_conf(conf):
    """The sign-in of ``conf.api.auth_strategy``."""
    if conf.api.auth_strategy == 'keystone':
        url = conf.dashboard.keystone_url
        if not url:
            try:
                url = conf.keystone_authtoken.www_authenticate_uri
            except (cfg.NoSuchOptError, cfg.NoSuchGroupError):  # no Keystone
                url = None
        if not url:
            raise ValueError('[dashboard] keystone_url or '
                             '[keystone_authtoken] www_authenticate_uri '
                             'must be set when auth_strategy is keystone.')
        return Keystone(url, conf.dashboard.request_timeout)
    return NoAuth()
