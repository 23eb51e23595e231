"""Authorization through oslo.policy, with nova-core's defaults in code.

An operator's file (``[oslo_policy] policy_file``, by default
``policy.yaml`` beside the config) overrides any default; rules it does
not name keep theirs.
"""
import threading

from oslo_policy import policy

from nova_core import exception, policies

_ENFORCER = None
_LOCK = threading.Lock()


def get_enforcer(conf=None):
    global _ENFORCER
    if _ENFORCER is None:
        with _LOCK:
            if _ENFORCER is None:
                from nova_core.conf import CONF
                enforcer = policy.Enforcer(conf or CONF)
                enforcer.register_defaults(policies.list_rules())
                _ENFORCER = enforcer
    return _ENFORCER


def reset():
    """Forget the enforcer (tests, and a changed policy file)."""
    global _ENFORCER
    _ENFORCER = None


def authorize(context, action, target=None):
    """:raises: Forbidden (403) unless ``context`` may do ``action``."""
    target = target or {'project_id': context.project_id,
                        'user_id': context.user_id}
    credentials = _credentials(context)
    try:
        get_enforcer().authorize(action, target, credentials,
                                 do_raise=True,
                                 exc=exception.Forbidden, action=action)
    except policy.PolicyNotRegistered:
        raise exception.NovaCoreException('Policy %s is not registered'
                                          % action)


def can(context, action, target=None):
    """Whether ``context`` may do ``action`` (no error)."""
    try:
        authorize(context, action, target)
    except exception.Forbidden:
        return False
    return True


def check_is_admin(context):
    """Whether ``context``'s roles make it an administrator
    (``context_is_admin``), as Nova decides ``is_admin`` for a token."""
    credentials = _credentials(context)
    return get_enforcer().authorize('context_is_admin', credentials,
                                    credentials)


def _credentials(context):
    """What rules may check: user, project, roles, domains, system scope
    and service roles of the token (oslo.context's policy values)."""
    credentials = dict(context.to_policy_values())
    credentials['is_admin'] = context.is_admin
    return credentials
