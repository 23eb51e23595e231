"""What a compute node tells the conductors that must not be lost.

A build's start and outcome, a delete's end and the action events around
them change the database through a conductor. When the conductor that
took such a call died (kill -9 mid-call), or the broker or the database
was away, the call fails (``MessagingTimeout``, ``MessageDeliveryFailure``,
a database error raised on the conductor); dropping the report then left
the server in BUILD or ``deleting`` until its deadline. So these reports
are sent again, with waits growing to ``[compute] report_retry_max_wait``,
until a conductor answers or ``[compute] report_retry_timeout`` passed.

Every report retried here is safe to receive twice: a build start is
accepted again from the host it is placed on, an update names the
task_state it expects (a second one conflicts and is ignored), a destroy
of a destroyed instance is ``InstanceNotFound``, a re-schedule checks that
the build is still on the failed host.
"""
import logging
import time

import oslo_messaging as messaging

from nova_core import exception

LOG = logging.getLogger(__name__)

#: Conductor methods whose call is retried until acknowledged.
REPORTS = frozenset([
    'instance_build_started', 'instance_update', 'instance_build_failed',
    'reschedule_build', 'instance_destroy', 'instance_fault_create',
    'action_event_start', 'action_event_finish',
])

#: Database errors a conductor raised, as they cross RPC (their module is
#: not in ``allowed_remote_exmods``): the database is away for a moment.
DB_UNAVAILABLE = frozenset(['OperationalError', 'InterfaceError',
                            'DBConnectionError', 'TimeoutError'])


def unavailable(exc):
    """Whether ``exc`` says no conductor could take the call for now."""
    if isinstance(exc, (messaging.MessagingTimeout,
                        messaging.MessageDeliveryFailure,
                        exception.ServiceUnavailable)):
        return True
    return (isinstance(exc, messaging.RemoteError) and
            exc.exc_type in DB_UNAVAILABLE)


def until_acknowledged(fn, timeout, max_wait, name=None, sleep=None,
                       clock=None):
    """``fn`` wrapped to be called again while :func:`unavailable` says so,
    for up to ``timeout`` seconds; then the last error is raised."""
    name = name or getattr(fn, '__name__', repr(fn))
    sleep, clock = sleep or time.sleep, clock or time.monotonic

    def wrapper(*args, **kwargs):
        deadline = clock() + timeout
        wait, attempt = 1.0, 1
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if not unavailable(exc) or clock() + wait > deadline:
                    raise
                LOG.warning('%s not acknowledged (attempt %d: %s); sending '
                            'it again in %.0f s', name, attempt,
                            type(exc).__name__, wait)
                sleep(wait)
                wait, attempt = min(wait * 2, max_wait), attempt + 1
    wrapper.__name__ = wrapper.__qualname__ = name
    return wrapper


class ReliableConductor:
    """A conductor client whose :data:`REPORTS` are retried until
    acknowledged; every other method is the client's own."""

    def __init__(self, conductor, conf):
        self._conductor = conductor
        self._timeout = conf.compute.report_retry_timeout
        self._max_wait = conf.compute.report_retry_max_wait

    def __getattr__(self, name):
        attr = getattr(self._conductor, name)
        if name in REPORTS and self._timeout > 0:
            return until_acknowledged(attr, self._timeout, self._max_wait,
                                      name=name)
        return attr
