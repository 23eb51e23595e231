"""Retrying a transaction that met a deadlock or lost its database.

Under concurrency MariaDB/MySQL chooses a victim among transactions that
wait on each other (error 1213) or gives up waiting for a lock (1205),
and PostgreSQL aborts one side of a serialization conflict (SQLSTATE
40001) or a deadlock (40P01). A restarted or failed-over database drops
its connections ("MySQL server has gone away", 2006/2013; PostgreSQL's
"server closed the connection unexpectedly") and refuses new ones for a
moment (2003). In each case the transaction was rolled back whole and
running it again is the answer, as oslo.db's ``wrap_db_retry`` does for
Nova.

:func:`retry_on_db_error` wraps a function whose body is one transaction
(:func:`nova_core.db.session.transaction`). It retries only where that
transaction is the outermost one of the thread: inside an outer
transaction the error goes up to whoever opened it, since everything
that transaction did is rolled back too. Waits double from
``[database] db_retry_interval`` up to ``db_max_retry_interval``, with
jitter so that two victims of one deadlock do not meet again; after
``db_max_retries`` retries the last error is raised as it was.
"""
import functools
import logging
import random
import time

import sqlalchemy.exc as sa_exc

from nova_core.conf import CONF
from nova_core.db import session as db_session

LOG = logging.getLogger(__name__)

#: MariaDB/MySQL error numbers worth another try.
MYSQL_ERRORS = {
    1205: 'lock wait timeout',
    1213: 'deadlock',
    1927: 'connection killed',
    2003: 'cannot connect',
    2006: 'server has gone away',
    2013: 'lost connection',
    4031: 'disconnected by the server',
}
#: PostgreSQL SQLSTATEs worth another try (class 08 is any connection
#: exception).
POSTGRESQL_STATES = {
    '40001': 'serialization failure',
    '40P01': 'deadlock',
    '57P01': 'server shut down',
    '57P02': 'server crashed',
    '57P03': 'server not yet accepting connections',
}
#: Words of a lost connection in drivers that give no code for it
#: (psycopg2 reports "server closed the connection unexpectedly" with no
#: SQLSTATE).
DISCONNECT_WORDS = ('server closed the connection', 'could not connect',
                    'connection refused', 'terminating connection',
                    'connection already closed')


def retry_reason(exc):
    """Why ``exc`` is worth another try ("deadlock", ...), or None."""
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    if exc.connection_invalidated:
        return 'lost connection'
    orig = exc.orig
    args = getattr(orig, 'args', ())
    if args and isinstance(args[0], int) and args[0] in MYSQL_ERRORS:
        return MYSQL_ERRORS[args[0]]
    state = getattr(orig, 'pgcode', None) or getattr(orig, 'sqlstate', None)
    if state in POSTGRESQL_STATES:
        return POSTGRESQL_STATES[state]
    if state and state.startswith('08'):
        return 'connection exception'
    if isinstance(exc, sa_exc.OperationalError):
        text = str(orig).lower()
        if any(words in text for words in DISCONNECT_WORDS):
            return 'lost connection'
    return None


def _in_transaction():
    return getattr(db_session._CURRENT, 'connection', None) is not None


def _wait(retry):
    base = CONF.database.db_retry_interval * (2 ** retry)
    return min(base, CONF.database.db_max_retry_interval) * \
        random.uniform(0.5, 1.0)


def retry_on_db_error(fn):
    """Run ``fn`` (one whole transaction) again after a deadlock, a lock
    wait timeout, a serialization failure or a lost connection."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _in_transaction():
            return fn(*args, **kwargs)
        retry = 0
        while True:
            try:
                return fn(*args, **kwargs)
            except sa_exc.DBAPIError as exc:
                reason = retry_reason(exc)
                if reason is None or retry >= CONF.database.db_max_retries:
                    raise
                wait = _wait(retry)
                retry += 1
                LOG.warning('%s: database %s; retry %d of %d in %.2f s',
                            fn.__qualname__, reason, retry,
                            CONF.database.db_max_retries, wait)
                time.sleep(wait)
    return wrapper
