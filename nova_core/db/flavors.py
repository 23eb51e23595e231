"""Flavors: the sizes instances are built in."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.session import reader, transaction

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


def create(values):
    """Insert a flavor.

    :raises: Conflict when its id or name is taken.
    """
    with transaction() as session:
        F = models.Flavor
        clash = session.scalars(sa.select(F).where(sa.or_(
            F.flavorid == values['flavorid'],
            F.name == values['name']))).first()
        if clash is not None:
            which = ('ID %s' % values['flavorid']
                     if clash.flavorid == values['flavorid']
                     else 'name %s' % values['name'])
            raise exception.Conflict(reason='Flavor with %s already exists.'
                                     % which)
        row = models.Flavor(**values)
        session.add(row)
        session.flush()
        return row.to_dict()


def seed_defaults():
    """Create the m1 flavors that are missing; returns the names created."""
    created = []
    with transaction() as session:
        F = models.Flavor
        have = set(session.scalars(sa.select(F.flavorid)))
        have_names = set(session.scalars(sa.select(F.name)))
        for flavorid, name, ram, vcpus, disk in DEFAULT_FLAVORS:
            if flavorid in have or name in have_names:
                continue
            session.add(models.Flavor(flavorid=flavorid, name=name,
                                      memory_mb=ram, vcpus=vcpus,
                                      root_gb=disk, extra_specs={}))
            created.append(name)
    return created


_FT = models.Flavor.__table__
_GET = sa.select(*_FT.c).where(_FT.c.flavorid == sa.bindparam('b_id'))


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
        row = session.scalars(sa.select(models.Flavor).where(
            models.Flavor.name == name)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=name)
        return row.to_dict()


def get_all(is_public=True, min_memory_mb=None, min_root_gb=None,
            sort_key='flavorid', sort_dir='asc', limit=None, marker=None):
    """Flavors; ``is_public`` None lists public and private alike.

    :raises: FlavorNotFound for an unknown marker.
    """
    F = models.Flavor
    query = sa.select(*F.columns()).where(F.disabled.is_(False))
    if is_public is not None:
        query = query.where(F.is_public.is_(bool(is_public)))
    if min_memory_mb is not None:
        query = query.where(F.memory_mb >= min_memory_mb)
    if min_root_gb is not None:
        query = query.where(F.root_gb >= min_root_gb)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(sa.select(*F.columns()).where(
                F.flavorid == marker)).mappings().first()
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
        row = session.scalars(sa.select(models.Flavor).where(
            models.Flavor.flavorid == str(flavorid))).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        session.delete(row)
