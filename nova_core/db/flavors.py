"""Flavors: the sizes instances are built in."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.session import reader, transaction

F = models.Flavor
FT = F.__table__
FPT = models.FlavorProject.__table__

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


def create(values, projects=()):
    """Insert a flavor, giving ``projects`` access to it (private ones).

    :raises: FlavorIdExists, FlavorExists (409) when its id or name is
        taken.
    """
    values = dict(_DEFAULTS, **values)
    try:
        with transaction() as session:
            _check_unique(session, values)
            session.execute(FT.insert(), dict(values,
                                              created_at=models.utcnow()))
            flavor = dict(session.execute(_GET, {'b_id': values['flavorid']}
                                          ).mappings().one())
            if projects:
                session.execute(FPT.insert(), [
                    {'flavor_id': flavor['id'], 'project_id': p,
                     'created_at': models.utcnow()} for p in projects])
            return flavor
    except sa.exc.IntegrityError:
        # A concurrent create took the id or the name between the check
        # and the insert: the same 409 the check gives.
        with reader() as session:
            _check_unique(session, values)
        raise


def _check_unique(session, values):
    """:raises: FlavorIdExists, FlavorExists."""
    clash = session.execute(sa.select(FT.c.flavorid, FT.c.name).where(
        sa.or_(FT.c.flavorid == values['flavorid'],
               FT.c.name == values['name']))).first()
    if clash is not None and clash.flavorid == values['flavorid']:
        raise exception.FlavorIdExists(flavor_id=values['flavorid'])
    if clash is not None:
        raise exception.FlavorExists(name=values['name'])


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


def _visible(project_id):
    """Public flavors and the private ones ``project_id`` has access to."""
    return sa.or_(FT.c.is_public.is_(True), FT.c.id.in_(
        sa.select(FPT.c.flavor_id).where(FPT.c.project_id == project_id)))


def get(flavorid, project_id=None):
    """The flavor; with ``project_id`` (a non-admin caller) only if it is
    public or the project was given access, as Nova hides the others.

    :raises: FlavorNotFound.
    """
    query, params = _GET, {'b_id': str(flavorid)}
    if project_id is not None:
        query = _GET.where(_visible(project_id))
    with reader() as session:
        row = session.execute(query, params).mappings().first()
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
            sort_key='flavorid', sort_dir='asc', limit=None, marker=None,
            project_id=None):
    """Flavors; ``is_public`` None lists public and private alike, True
    lists public ones and, with ``project_id``, the private ones that
    project has access to (Nova's rule).

    :raises: FlavorNotFound for an unknown marker.
    """
    query = sa.select(*FT.c).where(FT.c.disabled.is_(False))
    if is_public and project_id is not None:
        query = query.where(_visible(project_id))
    elif is_public is not None:
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


def update(flavorid, values):
    """Change a flavor's ``description`` (the one thing Nova lets change).

    :raises: FlavorNotFound.
    """
    with transaction() as session:
        if session.execute(FT.update().where(
                FT.c.flavorid == str(flavorid)).values(
                    updated_at=models.utcnow(), **values)).rowcount != 1:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return dict(session.execute(_GET, {'b_id': str(flavorid)}
                                    ).mappings().one())


def update_extra_specs(flavorid, specs=None, delete_key=None):
    """Merge ``specs`` into a flavor's extra specs, or delete one key.

    The read and the write are one transaction on the locked row, so two
    concurrent changes of different keys both land.

    :returns: the extra specs after the change.
    :raises: FlavorNotFound, FlavorExtraSpecsNotFound (``delete_key``).
    """
    with transaction() as session:
        row = session.execute(_GET.with_for_update(), {
            'b_id': str(flavorid)}).mappings().first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        current = dict(row['extra_specs'] or {})
        if delete_key is not None:
            if delete_key not in current:
                raise exception.FlavorExtraSpecsNotFound(
                    flavor_id=flavorid, extra_specs_key=delete_key)
            del current[delete_key]
        current.update(specs or {})
        session.execute(FT.update().where(FT.c.id == row['id']).values(
            extra_specs=current, updated_at=models.utcnow()))
        return current


def destroy(flavorid):
    """Delete a flavor and the access given to it. Servers built from it
    keep their own copy (``instances.flavor``).

    :raises: FlavorNotFound.
    """
    with transaction() as session:
        row = session.execute(_GET, {'b_id': str(flavorid)}).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        session.execute(FPT.delete().where(FPT.c.flavor_id == row.id))
        session.execute(FT.delete().where(FT.c.id == row.id))
