"""The request context: who asks, for which project, with which token.

It travels with every RPC message, so compute nodes act with the caller's
identity (for example when they download an image).
"""
from oslo_context import context

#: What else of the caller's identity an RPC message carries: the
#: argument of the constructor, and its key in :meth:`to_dict`.
_IDENTITY_FIELDS = {'user_name': 'user_name', 'project_name': 'project_name',
                    'domain_id': 'domain', 'user_domain_id': 'user_domain',
                    'project_domain_id': 'project_domain',
                    'system_scope': 'system_scope'}


class RequestContext(context.RequestContext):
    """oslo.context's context, plus the roles nova-core's policy reads."""

    def __init__(self, user_id=None, project_id=None, is_admin=False,
                 roles=None, **kwargs):
        super().__init__(user_id=user_id, project_id=project_id,
                         is_admin=is_admin, roles=roles or [], **kwargs)

    @classmethod
    def from_dict(cls, values):
        return cls(user_id=values.get('user_id') or values.get('user'),
                   project_id=(values.get('project_id') or
                               values.get('project_name') or
                               values.get('tenant')),
                   is_admin=values.get('is_admin', False),
                   roles=values.get('roles'),
                   auth_token=values.get('auth_token'),
                   request_id=values.get('request_id'),
                   global_request_id=values.get('global_request_id'),
                   **{arg: values.get(key)
                      for arg, key in _IDENTITY_FIELDS.items()})


def get_admin_context():
    """A context for the services' own work (heartbeats, periodic checks)."""
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], overwrite=False)
