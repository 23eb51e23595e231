"""Authenticating API requests (``[api] auth_strategy``).

``keystone`` is Nova's: keystonemiddleware's ``auth_token`` (configured by
``[keystone_authtoken]``) validates ``X-Auth-Token`` with Keystone and
passes who the caller is in ``X-User-Id``, ``X-Project-Id``, ``X-Roles``,
``X-Domain-Id``, ``OpenStack-System-Scope`` ... from which
:func:`keystone` builds the request context. It runs with
``delay_auth_decision``, so the version documents and the OpenAPI document
stay open, while every other request without a valid token is a 401
carrying ``WWW-Authenticate: Keystone uri="..."``. A Keystone that does not
answer is a 503, and the next request tries it again.

``noauth2`` trusts the token as Nova's does, for development only:
``X-Auth-Token: user:project`` (a token without a colon names both),
``X-Auth-Project-Id`` may override the project, and the user ``admin`` is
an administrator. Roles come from ``X-Roles`` when given, else ``admin,
member, reader`` for ``admin`` and ``member, reader`` for everyone else.

Either way the caller's ``X-OpenStack-Request-ID`` (``req-<uuid>``)
becomes the context's global request id.
"""
import ipaddress
import json
import logging
import re

from keystonemiddleware import auth_token
from webob import exc as webob_exc

from nova_core import context as nova_context
from nova_core import exception, policy

LOG = logging.getLogger(__name__)

AUTHTOKEN_GROUP = 'keystone_authtoken'

#: What oslo.middleware's request_id accepts as a caller's request id.
_GLOBAL_REQUEST_ID = re.compile(
    r'^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$')


def global_request_id(headers):
    """The caller's ``X-OpenStack-Request-ID`` when well formed, else
    the one a request-id middleware put in the environ, else None."""
    value = headers.get('X-OpenStack-Request-ID')
    if value and _GLOBAL_REQUEST_ID.match(value):
        return value
    environ = getattr(headers, 'environ', {})
    return environ.get('openstack.global_request_id')


def noauth2(headers, request_id):
    token = headers.get('X-Auth-Token')
    if not token:
        raise exception.NotAuthenticated()
    user_id, colon, project_id = token.partition(':')
    if not user_id or (colon and not project_id):
        raise exception.NotAuthenticated()
    project_id = headers.get('X-Auth-Project-Id') or project_id or user_id
    is_admin = user_id == 'admin'
    roles = [r.strip().lower() for r in headers.get('X-Roles', '').split(',')
             if r.strip()]
    if not roles:
        roles = (['admin', 'member', 'reader'] if is_admin
                 else ['member', 'reader'])
    return nova_context.RequestContext(
        user_id=user_id, project_id=project_id,
        is_admin=is_admin or 'admin' in roles, roles=roles,
        auth_token=token, request_id=request_id,
        global_request_id=global_request_id(headers))


def keystone(headers, request_id):
    """The context of a request auth_token has confirmed.

    :raises: NotAuthenticated when the token is missing or invalid (or an
        expired one came without a valid service token), and when it is
        scoped to neither a project nor the system (an unscoped or a
        domain-scoped token: the Compute API has nothing for them).
    """
    if (headers.get('X-Identity-Status') != 'Confirmed' or
            headers.get('X-Service-Identity-Status',
                        'Confirmed') != 'Confirmed'):
        raise exception.NotAuthenticated()
    ctxt = nova_context.RequestContext.from_environ(
        headers.environ, request_id=request_id,
        global_request_id=global_request_id(headers))
    if not ctxt.project_id and not ctxt.system_scope:
        raise exception.NotAuthenticated()
    ctxt.is_admin = policy.check_is_admin(ctxt)
    return ctxt


STRATEGIES = {'noauth2': noauth2, 'keystone': keystone}


def register_authtoken_opts(conf):
    """Register ``[keystone_authtoken]`` (keystonemiddleware's options and
    those of the password plugin it authenticates with) on ``conf``, and
    make service tokens count only with a service role, as Nova advises."""
    from keystoneauth1 import loading as ks_loading
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)
    conf.register_opts(ks_loading.get_auth_plugin_conf_options('password'),
                       group=AUTHTOKEN_GROUP)
    conf.set_default('service_token_roles_required', True,
                     group=AUTHTOKEN_GROUP)


def wrap(app, conf):
    """Put auth_token in front of the Flask ``app`` when
    ``[api] auth_strategy = keystone``; for ``noauth2``, check that it is
    not exposed by accident.

    :raises: ConfigInvalid for noauth2 on a listen address other than
        loopback, unless ``[api] allow_noauth2_on_public_address``.
    """
    if conf.api.auth_strategy == 'noauth2':
        check_noauth2_exposure(conf)
        return
    register_authtoken_opts(conf)
    app.wsgi_app = AuthProtocol(app.wsgi_app, {
        'oslo_config_config': conf, 'delay_auth_decision': True})


def check_noauth2_exposure(conf):
    """Refuse noauth2 on a non-loopback address unless the operator said
    they mean it, and then warn."""
    host = conf.osapi_compute_listen
    if _is_loopback(host):
        return
    if not conf.api.allow_noauth2_on_public_address:
        raise exception.ConfigInvalid(reason=(
            '[api] auth_strategy = noauth2 trusts any token, and '
            'osapi_compute_listen = %s is not a loopback address: use '
            'auth_strategy = keystone, listen on 127.0.0.1, or set [api] '
            'allow_noauth2_on_public_address = true' % host))
    LOG.warning('noauth2 is served on %s: anyone who reaches this address '
                'can act as any user, administrators included', host)


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AuthProtocol(auth_token.AuthProtocol):
    """auth_token that defers its decision to the app, except that a
    Keystone that cannot be reached is a 503 rather than a 401.

    auth_token in ``delay_auth_decision`` mode marks a token it could not
    validate because Keystone is down as invalid, which clients would read
    as "log in again". So validation runs in its rejecting mode (which
    answers 503 when Keystone is unreachable) and a rejection becomes
    "decide downstream" here.
    """

    def __init__(self, app, conf):
        super().__init__(app, conf)
        self._delay_auth_decision = False

    def process_request(self, request):
        try:
            return super().process_request(request)
        except webob_exc.HTTPUnauthorized:
            LOG.debug('Token not valid; the API answers 401 where it '
                      'needs one')
            return None
        except webob_exc.HTTPServiceUnavailable:
            return _unavailable()


def _unavailable():
    body = {'serviceUnavailable': {
        'code': 503,
        'message': 'The identity service (Keystone) is unavailable; the '
                   'token could not be validated. Try again later.'}}
    return webob_exc.HTTPServiceUnavailable(
        body=json.dumps(body), content_type='application/json',
        charset='UTF-8')
