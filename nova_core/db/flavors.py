"""Flavors: the sizes instances are built in."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.session import reader, transaction

F = models.Flavor
FT = F.__table__

SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
             'ephemeral_gb', 'swap', 'rxtx_factor', 'is_public', 'disabled',
             'created_at', 'description', 'id')

DEFAULT_FLAVORS = (
    # flavorid, name, memory_mb, vcpus, root_gb: Nova's classic m1 family.
    ('1', 'm1.tiny', 512, 1, 1),
    ('2', 'm1.small', 2048, 1, 20),
    ('3', 'm1.medium', 4096, 2, 40),
    ('4', 'm1.large', 8192, 4, 80),
    ('5', 'm1.xlarge', 16384, 8, 160),
)

_DEFAULTS = {'root_gb': 0, 'ephemeral_gb': 0, 'swap': 0, 'rxtx_factor': 1.0,
             'is_public': True, 'disabled': False, 'description': None,
             'extra_specs': {}}
_GET = sa.select(*FT.c).where(FT.c.flavorid == sa.bindparam('b_id'))


def create(values):
    """Insert a flavor.

    :raises: Conflict when its id or name is taken.
    """
    values = dict(_DEFAULTS, **values)
    with transaction() as session:
        clash = session.execute(sa.select(FT.c.flavorid, FT.c.name).where(
            sa.or_(FT.c.flavorid == values['flavorid'],
                   FT.c.name == values['name']))).first()
        if clash is not None:
            which = ('ID %s' % values['flavorid']
                     if clash.flavorid == values['flavorid']
                     else 'name %s' % values['name'])
            raise exception.Conflict(reason='Flavor with %s already exists.'
                                     % which)
        session.execute(FT.insert(), dict(values,
                                          created_at=models.utcnow()))
        return dict(session.execute(_GET, {'b_id': values['flavorid']}
                                    ).mappings().one())


def seed_defaults():
    """Create the m1 flavors that are missing; returns the names created."""
    created = []
    with transaction() as session:
        have = set(session.execute(sa.select(FT.c.flavorid)).scalars())
        have_names = set(session.execute(sa.select(FT.c.name)).scalars())
        for flavorid, name, ram, vcpus, disk in DEFAULT_FLAVORS:
            if flavorid in have or name in have_names:
                continue
            session.execute(FT.insert(), dict(
                _DEFAULTS, flavorid=flavorid, name=name, memory_mb=ram,
                vcpus=vcpus, root_gb=disk, created_at=models.utcnow()))
            created.append(name)
    return created


def get(flavorid):
    """:raises: FlavorNotFound."""
    with reader() as session:
        row = session.execute(_GET, {'b_id': str(flavorid)}
                              ).mappings().first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return dict(row)


def get_by_name(name):
    """:raises: FlavorNotFound."""
    with reader() as session:
        row = session.execute(sa.select(*FT.c).where(
            FT.c.name == name)).mappings().first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=name)
    return dict(row)


def get_all(is_public=True, min_memory_mb=None, min_root_gb=None,
            sort_key='flavorid', sort_dir='asc', limit=None, marker=None):
    """Flavors; ``is_public`` None lists public and private alike.

    :raises: FlavorNotFound for an unknown marker.
    """
    query = sa.select(*FT.c).where(FT.c.disabled.is_(False))
    if is_public is not None:
        query = query.where(FT.c.is_public.is_(bool(is_public)))
    if min_memory_mb is not None:
        query = query.where(FT.c.memory_mb >= min_memory_mb)
    if min_root_gb is not None:
        query = query.where(FT.c.root_gb >= min_root_gb)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(_GET, {'b_id': marker}
                                         ).mappings().first()
            if marker_row is None:
                raise exception.FlavorNotFound(flavor_id=marker)
        keys, dirs = [sort_key], [sort_dir]
        if sort_key != 'id':
            keys.append('id')
            dirs.append(sort_dir)
        query = pagination.paginate(query, F, keys, dirs, marker_row, limit)
        return [dict(r) for r in session.execute(query).mappings()]


def destroy(flavorid):
    """:raises: FlavorNotFound."""
    with transaction() as session:
        if session.execute(FT.delete().where(
                FT.c.flavorid == str(flavorid))).rowcount != 1:
            raise exception.FlavorNotFound(flavor_id=flavorid)
