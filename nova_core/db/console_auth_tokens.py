"""Console tokens: issued by the API, spent by a console proxy.

Only a token's SHA-256 is stored, as Nova stores ``console_auth_tokens``,
so the table cannot be used to open consoles. A token is good for
``[consoleauth] token_ttl`` seconds and for one connection: spending it
is one conditional UPDATE, so two proxies racing for the same token
cannot both win. Expired rows are removed whenever a token is issued.
"""
import hashlib
import time
import uuid

import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models
from nova_core.db.session import transaction

CT = models.ConsoleAuthToken.__table__


def token_hash(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def create(console, instance_uuid, ttl, clock=time.time):
    """Issue a token for ``console`` (``console_type``, ``host``,
    ``port``, ``internal_access_path``) of ``instance_uuid``; returns the
    token itself, which is stored nowhere."""
    token = str(uuid.uuid4())
    now = int(clock())
    with transaction() as session:
        session.execute(CT.delete().where(CT.c.expires <= now))
        session.execute(CT.insert().values(
            token_hash=token_hash(token), instance_uuid=instance_uuid,
            console_type=console['console_type'], host=console['host'],
            port=int(console['port']),
            internal_access_path=console.get('internal_access_path'),
            expires=now + ttl, used=False, created_at=models.utcnow()))
    return token


def spend(token, console_types, clock=time.time):
    """The console of ``token`` (a dict), which from now on opens nothing
    more. :raises: InvalidToken if it is unknown, expired, already spent
    or for another kind of console than ``console_types``."""
    digest = token_hash(token or '')
    where = (CT.c.token_hash == digest, CT.c.used == sa.false(),
             CT.c.expires > int(clock()),
             CT.c.console_type.in_(console_types))
    with transaction() as session:
        spent = session.execute(CT.update().where(*where).values(used=True))
        if spent.rowcount != 1:
            raise exception.InvalidToken(token='***')
        row = session.execute(sa.select(CT).where(
            CT.c.token_hash == digest)).mappings().one()
    return dict(row)
