"""Engine and transactions for the database named by ``[database] connection``.

One engine per process, made on first use. SQLite (the all-in-one default)
runs in WAL mode with a busy timeout so that the API and conductor threads
can write side by side.
"""
import contextlib
import threading

import sqlalchemy as sa
from sqlalchemy import event

from nova_core import exception
from nova_core.conf import CONF

_LOCK = threading.Lock()
_ENGINE = None
_ENGINES = None
_FORBIDDEN = False
#: Serializes this process's SQLite writers on a Python lock: SQLite's own
#: busy handler sleeps up to 100 ms between retries, so queueing here is
#: far faster under contention. Other processes still meet the busy timeout.
_SQLITE_WRITER = threading.Lock()


def forbid():
    """Make every later use of the database raise (compute processes)."""
    global _FORBIDDEN
    _FORBIDDEN = True


def _sqlite_pragmas(dbapi_conn, _record):
    # pysqlite's own transaction handling defers BEGIN in ways that break
    # isolation; switch it off and begin transactions in _sqlite_begin.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.close()


def create_engine(url):
    url = sa.engine.make_url(url)
    kwargs = {'echo': CONF.database.connection_debug, 'future': True}
    if url.get_backend_name() == 'sqlite':
        kwargs['connect_args'] = {'check_same_thread': False, 'timeout': 30}
    else:
        kwargs.update(pool_size=CONF.database.max_pool_size,
                      max_overflow=CONF.database.max_overflow,
                      pool_timeout=CONF.database.pool_timeout,
                      pool_recycle=CONF.database.connection_recycle_time,
                      pool_pre_ping=True)
    engine = sa.create_engine(url, **kwargs)
    if url.get_backend_name() == 'sqlite':
        event.listen(engine, 'connect', _sqlite_pragmas)
        event.listen(engine, 'begin', _sqlite_begin)
    return engine


def _sqlite_begin(conn):
    """Writers take SQLite's write lock up front; readers share the WAL.

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another writer committed in between; taking
    the lock at BEGIN makes writers queue (up to the busy timeout) instead.
    """
    writer = conn.get_execution_options().get('nova_writer', False)
    # Straight to sqlite3: this runs for every transaction.
    conn.connection.driver_connection.execute(
        'BEGIN IMMEDIATE' if writer else 'BEGIN')


def get_engine():
    global _ENGINE, _ENGINES
    if _FORBIDDEN:
        raise exception.DBAccessForbidden(what='database engine requested')
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                if not CONF.database.connection:
                    raise exception.ConfigInvalid(
                        reason='[database] connection is not set')
                _ENGINE = create_engine(CONF.database.connection)
                _ENGINES = {
                    writer: _ENGINE.execution_options(nova_writer=writer)
                    for writer in (True, False)}
    return _ENGINE


def dispose():
    """Drop the engine (tests, and processes that fork)."""
    global _ENGINE, _ENGINES
    with _LOCK:
        if _ENGINE is not None:
            _ENGINE.dispose()
        _ENGINE = _ENGINES = None


def reader():
    return transaction(writer=False)


_CURRENT = threading.local()


@contextlib.contextmanager
def transaction(writer=True):
    """A connection in one transaction: committed on success, else rolled
    back. Pass ``writer=False`` for transactions that only read.

    Inside another transaction of this thread, the outer one is reused, so
    callers can group several database functions into one transaction
    (``with transaction(): update(...); event_finish(...)``).

    The database layer speaks SQLAlchemy Core on connections: no ORM
    session, whose bookkeeping costs more than the queries themselves.
    """
    outer = getattr(_CURRENT, 'connection', None)
    if outer is not None:
        if writer and not _CURRENT.writer:
            raise RuntimeError('a writing transaction inside a reading one')
        yield outer
        return
    engine = get_engine()
    serialize = writer and engine.dialect.name == 'sqlite'
    if serialize:
        _SQLITE_WRITER.acquire()
    try:
        with _ENGINES[writer].begin() as connection:
            _CURRENT.connection, _CURRENT.writer = connection, writer
            try:
                yield connection
            finally:
                _CURRENT.connection = None
    finally:
        if serialize:
            _SQLITE_WRITER.release()


@contextlib.contextmanager
def savepoint():
    """A writing transaction of its own or, inside this thread's
    transaction, a savepoint of that one: an error inside rolls back only
    what was done here (an insert that lost a race on a unique key, say)
    and the outer transaction can go on (PostgreSQL accepts no statement
    in a transaction after an error, unless rolled back to a savepoint).
    """
    outer = getattr(_CURRENT, 'connection', None)
    if outer is None:
        with transaction() as connection:
            yield connection
        return
    if not _CURRENT.writer:
        raise RuntimeError('a writing transaction inside a reading one')
    with outer.begin_nested():
        yield outer
