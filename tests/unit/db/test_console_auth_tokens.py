"""Console tokens: kept hashed, one connection each, until they expire."""
import pytest
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import console_auth_tokens as tokens
from nova_core.db.session import reader
from tests.fixtures.clock import Clock

CONSOLE = {'console_type': 'serial', 'host': '10.0.0.5', 'port': 10001,
           'internal_access_path': None}


@pytest.fixture
def clock():
    c = Clock()
    c.now = 1_800_000_000.0
    return c


def test_only_the_hash_is_stored(db, clock):
    token = tokens.create(CONSOLE, 'uuid-1', 600, clock)
    with reader() as session:
        rows = session.execute(sa.select(tokens.CT)).mappings().all()
    assert len(rows) == 1
    assert rows[0]['token_hash'] == tokens.token_hash(token) != token
    assert token not in str(dict(rows[0]))


def test_spent_once(db, clock):
    token = tokens.create(CONSOLE, 'uuid-1', 600, clock)
    console = tokens.spend(token, ('serial',), clock)
    assert (console['host'], console['port'], console['instance_uuid']) == (
        '10.0.0.5', 10001, 'uuid-1')
    with pytest.raises(exception.InvalidToken):
        tokens.spend(token, ('serial',), clock)


@pytest.mark.parametrize('token,types,elapsed', [
    ('bad', ('serial',), 0),       # unknown
    (None, ('serial',), 0),        # none given
    ('good', ('novnc',), 0),       # another kind of console
    ('good', ('serial',), 600),    # expired at its TTL
])
def test_refused(db, clock, token, types, elapsed):
    good = tokens.create(CONSOLE, 'uuid-1', 600, clock)
    clock.sleep(elapsed)
    with pytest.raises(exception.InvalidToken):
        tokens.spend(good if token == 'good' else token, types, clock)


def test_valid_until_its_ttl(db, clock):
    token = tokens.create(CONSOLE, 'uuid-1', 600, clock)
    clock.sleep(599)
    assert tokens.spend(token, ('serial',), clock)['port'] == 10001


def test_expired_rows_go_when_a_token_is_issued(db, clock):
    tokens.create(CONSOLE, 'uuid-1', 10, clock)
    clock.sleep(10)
    tokens.create(CONSOLE, 'uuid-2', 10, clock)
    with reader() as session:
        uuids = session.execute(sa.select(
            tokens.CT.c.instance_uuid)).scalars().all()
    assert uuids == ['uuid-2']
