"""The conductor's RPC endpoint as compute hosts and controllers reach it.

:class:`GuardedEndpoint` stands between oslo.messaging's dispatcher and
:class:`~nova_core.conductor.manager.ConductorManager`: every call must be
signed (:mod:`nova_core.host_auth`); a controller's call goes through as
it is, a compute host's call only if its rule in
:mod:`nova_core.conductor.authz` allows it. A rule that reads rows is
run in the transaction the method then runs in (and its check of the
method's result too); a rule that only compares arguments with the caller
adds no transaction. A refused call changes nothing, is logged with the
claimed host and the method, and raises a
:class:`~nova_core.exception.ConductorCallRefused` to the caller.

That transaction is the outermost one, so the guard is what retries it
after a deadlock or a lost database connection
(:func:`~nova_core.db.retry.retry_on_db_error`): the rule and the method
run again whole, as the method alone would have been run again unguarded.
Left to the compute host's retry of its report, a deadlock between two
events of one action (MariaDB) cost a second.
"""
import functools
import logging

import oslo_messaging as messaging

from nova_core import exception, host_auth
from nova_core.conductor import authz
from nova_core.db import session as db_session
from nova_core.db.retry import retry_on_db_error

LOG = logging.getLogger(__name__)


class GuardedEndpoint:
    """``manager``'s public methods, each behind verification and rules."""

    def __init__(self, manager, verifier, rules=None):
        self.target = manager.target
        self._manager = manager
        self._verifier = verifier
        self._rules = authz.COMPUTE_RULES if rules is None else rules

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        method = getattr(self._manager, name)
        if not callable(method):
            raise AttributeError(name)
        return functools.partial(self._dispatch, name, method)

    @messaging.expected_exceptions(exception.ConductorCallRefused,
                                   exception.InstanceNotFound,
                                   exception.MigrationNotFound)
    def _dispatch(self, name, method, ctxt, **kwargs):
        auth = kwargs.pop(host_auth.ARG, None)
        try:
            caller = self._verifier.verify(ctxt, name, kwargs, auth)
        except exception.CallerNotVerified as exc:
            unverified = exc
        else:
            unverified = None
        if unverified is not None:
            LOG.warning('Refused unverified call %s claiming host %s: %s',
                        name, unverified.kwargs.get('host'),
                        unverified.kwargs['reason'])
            raise unverified
        if caller.role == host_auth.CONTROLLER:
            return method(ctxt, **kwargs)
        rule = self._rules.get(name)
        if not getattr(rule, 'in_transaction', False):
            self._authorize(ctxt, name, caller.host, kwargs, rule)
            return method(ctxt, **kwargs)
        return self._in_transaction(name, method, ctxt, caller, kwargs, rule)

    @retry_on_db_error
    def _in_transaction(self, name, method, ctxt, caller, kwargs, rule):
        """The rule, the method and the rule's check of its result in one
        transaction, run again whole after a deadlock."""
        with db_session.transaction():
            check = self._authorize(ctxt, name, caller.host, kwargs, rule)
            if check is None:
                return method(ctxt, **kwargs)
            try:
                result = method(ctxt, **kwargs)
            except Exception as exc:
                if isinstance(_unwrapped(exc), _FAILED_WRITES):
                    self._authorize(ctxt, name, caller.host, kwargs, check,
                                    None)
                raise
            self._authorize(ctxt, name, caller.host, kwargs, check, result)
            return result

    @staticmethod
    def _authorize(ctxt, name, host, kwargs, rule, *result):
        """Run ``rule(ctxt, host, kwargs)``, or the check a rule returned
        (``rule(result)``); log and raise a refusal."""
        try:
            if rule is None:
                raise authz.Refused('only controllers call %s' % name)
            return rule(*result) if result else rule(ctxt, host, kwargs)
        except authz.Refused as exc:
            refused = exc
        instance = refused.instance or kwargs.get('instance_uuid')
        LOG.warning('Refused %s from compute host %s%s: %s', name, host,
                    ' (instance %s)' % instance if instance else '',
                    refused.reason)
        raise exception.CallerNotAuthorized(method=name, host=host,
                                            reason=refused.reason)


def _unwrapped(exc):
    """The error a method raised, also where ``expected_exceptions``
    wrapped it for oslo.messaging."""
    if isinstance(exc, messaging.ExpectedException):
        return exc.exc_info[1]
    return exc


#: A write that failed for one of these may have been at another host's
#: instance: the check that follows it tells.
_FAILED_WRITES = (exception.InstanceNotFound,
                  exception.InstanceTaskStateConflict)
