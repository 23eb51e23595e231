"""Key pairs: public keys of users, named per user.

A name is unique among a user's live key pairs (the unique constraint
includes ``deleted``, which a soft delete sets to the row's id), so a
deleted name can be taken again.
"""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.session import reader, transaction

K = models.KeyPair
KT = K.__table__
_LIVE = KT.c.deleted == 0
_BY_NAME = sa.select(*KT.c).where(KT.c.user_id == sa.bindparam('b_user'),
                                  KT.c.name == sa.bindparam('b_name'),
                                  _LIVE)


def get(user_id, name):
    """One key pair of a user.

    :raises: KeypairNotFound
    """
    with reader() as session:
        row = session.execute(_BY_NAME, {'b_user': user_id,
                                         'b_name': name}).mappings().first()
    if row is None:
        raise exception.KeypairNotFound(name=name, user_id=user_id)
    return dict(row)


def create(values):
    """Insert a key pair (``name``, ``user_id``, ``fingerprint``,
    ``public_key``, ``type``).

    :raises: KeyPairExists when the user has one of that name.
    """
    params = {'b_user': values['user_id'], 'b_name': values['name']}
    try:
        with transaction() as session:
            if session.execute(_BY_NAME, params).first() is not None:
                raise exception.KeyPairExists(key_name=values['name'])
            session.execute(KT.insert(), dict(
                values, created_at=models.utcnow(), deleted=0))
            return dict(session.execute(_BY_NAME, params).mappings().one())
    except sa.exc.IntegrityError:  # a concurrent create took the name
        raise exception.KeyPairExists(key_name=values['name'])


def get_all(user_id, limit=None, marker=None):
    """A user's key pairs in the order they were made (by id), after the
    one named ``marker``.

    :raises: MarkerNotFound
    """
    query = sa.select(*KT.c).where(KT.c.user_id == user_id, _LIVE)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(_BY_NAME, {
                'b_user': user_id, 'b_name': marker}).mappings().first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
        query = pagination.paginate(query, K, ['id'], ['asc'], marker_row,
                                    limit)
        return [dict(r) for r in session.execute(query).mappings()]


def destroy(user_id, name):
    """Soft-delete a user's key pair.

    :raises: KeypairNotFound
    """
    with transaction() as session:
        row = session.execute(_BY_NAME, {'b_user': user_id,
                                         'b_name': name}).first()
        if row is None:
            raise exception.KeypairNotFound(name=name, user_id=user_id)
        now = models.utcnow()
        session.execute(KT.update().where(KT.c.id == row.id).values(
            deleted=row.id, deleted_at=now, updated_at=now))


def for_instance(user_id, key_name):
    """The ``key_name`` and ``key_data`` of a server a user boots with the
    key pair named ``key_name`` (None: no key).

    :raises: ValidationError (400) "Invalid key_name provided." as Nova,
        when the user has no such key pair.
    """
    if key_name is None:
        return {'key_name': None, 'key_data': None}
    try:
        keypair = get(user_id, key_name)
    except exception.KeypairNotFound:
        raise exception.ValidationError(detail='Invalid key_name provided.')
    return {'key_name': keypair['name'], 'key_data': keypair['public_key']}
