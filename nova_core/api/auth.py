"""Authenticating API requests (``[api] auth_strategy``).

``noauth2`` trusts the token as Nova's does: ``X-Auth-Token: user:project``
(a token without a colon names both), ``X-Auth-Project-Id`` may override the
project, and the user ``admin`` is an administrator. Roles come from
``X-Roles`` when given, else ``admin, member, reader`` for ``admin`` and
``member, reader`` for everyone else.
"""
from nova_core import context as nova_context
from nova_core import exception


def noauth2(headers, request_id):
    token = headers.get('X-Auth-Token')
    if not token:
        raise exception.NotAuthenticated()
    user_id, _, project_id = token.partition(':')
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
        auth_token=token, request_id=request_id)


STRATEGIES = {'noauth2': noauth2}
