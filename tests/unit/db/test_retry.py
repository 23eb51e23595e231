"""Retrying a transaction after a deadlock or a lost connection."""
import pytest
import sqlalchemy.exc as sa_exc

from nova_core.db import retry
from nova_core.db import session as db_session


class MySQLError(Exception):
    """As PyMySQL raises: (errno, message)."""


class PostgreSQLError(Exception):
    """As psycopg2 raises: a ``pgcode``."""

    def __init__(self, message, pgcode=None):
        super().__init__(message)
        self.pgcode = pgcode


def _error(orig, invalidated=False, kind=sa_exc.OperationalError):
    return kind('UPDATE instances ...', {}, orig,
                connection_invalidated=invalidated)


DEADLOCK = _error(MySQLError(1213, 'Deadlock found when trying to get lock'))


@pytest.fixture
def sleeps(monkeypatch):
    waited = []
    monkeypatch.setattr(retry.time, 'sleep', waited.append)
    return waited


def _flaky(errors, result='done'):
    """A function raising ``errors`` one per call, then returning."""
    calls = []

    @retry.retry_on_db_error
    def work(value):
        calls.append(value)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result
    return work, calls


@pytest.mark.parametrize('error,reason', [
    (DEADLOCK, 'deadlock'),
    (_error(MySQLError(1205, 'Lock wait timeout exceeded')),
     'lock wait timeout'),
    (_error(MySQLError(2006, 'MySQL server has gone away')),
     'server has gone away'),
    (_error(MySQLError(2013, 'Lost connection to MySQL server')),
     'lost connection'),
    (_error(MySQLError(2003, "Can't connect to MySQL server")),
     'cannot connect'),
    (_error(PostgreSQLError('could not serialize access', '40001'),
            kind=sa_exc.DBAPIError), 'serialization failure'),
    (_error(PostgreSQLError('deadlock detected', '40P01'),
            kind=sa_exc.DBAPIError), 'deadlock'),
    (_error(PostgreSQLError('server closed the connection unexpectedly')),
     'lost connection'),
    (_error(Exception('anything'), invalidated=True), 'lost connection'),
])
def test_retryable_errors(error, reason):
    assert retry.retry_reason(error) == reason


@pytest.mark.parametrize('error', [
    _error(MySQLError(1062, 'Duplicate entry'), kind=sa_exc.IntegrityError),
    _error(PostgreSQLError('duplicate key', '23505'),
           kind=sa_exc.IntegrityError),
    _error(MySQLError(1146, "Table 'nova.x' doesn't exist"),
           kind=sa_exc.ProgrammingError),
    ValueError('not a database error'),
])
def test_other_errors_are_not_retried(error):
    assert retry.retry_reason(error) is None


def test_retried_until_it_succeeds_with_growing_waits(conf, sleeps):
    conf.config(group='database', db_max_retries=5, db_retry_interval=0.1,
                db_max_retry_interval=0.3)
    work, calls = _flaky([DEADLOCK] * 4)
    assert work('x') == 'done'
    assert calls == ['x'] * 5
    assert len(sleeps) == 4
    # Doubling from 0.1, capped at 0.3, each with jitter in [50%, 100%].
    for wait, cap in zip(sleeps, (0.1, 0.2, 0.3, 0.3), strict=True):
        assert cap / 2 <= wait <= cap


def test_gives_up_after_max_retries_with_the_original_error(conf, sleeps):
    conf.config(group='database', db_max_retries=2)
    work, calls = _flaky([DEADLOCK] * 5)
    with pytest.raises(sa_exc.OperationalError) as caught:
        work('x')
    assert caught.value is DEADLOCK
    assert len(calls) == 3 and len(sleeps) == 2


def test_integrity_error_is_raised_at_once(sleeps):
    duplicate = _error(MySQLError(1062, 'Duplicate entry'),
                       kind=sa_exc.IntegrityError)
    work, calls = _flaky([duplicate])
    with pytest.raises(sa_exc.IntegrityError):
        work('x')
    assert len(calls) == 1 and sleeps == []


def test_inside_an_outer_transaction_the_outer_one_retries(db, sleeps):
    """The inner function's work is rolled back with the outer
    transaction: only the outermost decorated function may run again."""
    inner, inner_calls = _flaky([DEADLOCK])
    outer_calls = []

    @retry.retry_on_db_error
    def outer():
        outer_calls.append(1)
        with db_session.transaction():
            return inner('in')

    assert outer() == 'done'
    assert len(outer_calls) == 2 and len(inner_calls) == 2
    assert len(sleeps) == 1
