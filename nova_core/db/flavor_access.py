"""The projects given access to private flavors (``flavor_projects``)."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models
from nova_core.db.session import reader, transaction

FT = models.Flavor.__table__
FPT = models.FlavorProject.__table__

_FLAVOR = sa.select(FT.c.id).where(FT.c.flavorid == sa.bindparam('b_id'))


def _flavor_pk(session, flavorid):
    pk = session.execute(_FLAVOR, {'b_id': str(flavorid)}).scalar()
    if pk is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return pk


def get_projects(flavorid):
    """The projects with access to a flavor, in the order they got it.

    :raises: FlavorNotFound.
    """
    with reader() as session:
        pk = _flavor_pk(session, flavorid)
        return list(session.execute(sa.select(FPT.c.project_id).where(
            FPT.c.flavor_id == pk).order_by(FPT.c.id)).scalars())


def add(flavorid, project_id):
    """Give ``project_id`` access to a flavor.

    :returns: the projects with access afterwards.
    :raises: FlavorNotFound, FlavorAccessExists (409).
    """
    with transaction() as session:
        pk = _flavor_pk(session, flavorid)
        exists = session.execute(sa.select(FPT.c.id).where(
            FPT.c.flavor_id == pk, FPT.c.project_id == project_id)).first()
        if exists is not None:
            raise exception.FlavorAccessExists(flavor_id=flavorid,
                                               project_id=project_id)
        try:
            with session.begin_nested():
                session.execute(FPT.insert(), {
                    'flavor_id': pk, 'project_id': project_id,
                    'created_at': models.utcnow()})
        except sa.exc.IntegrityError:  # a concurrent add won
            raise exception.FlavorAccessExists(flavor_id=flavorid,
                                               project_id=project_id)
    return get_projects(flavorid)


def remove(flavorid, project_id):
    """Take a project's access to a flavor away.

    :returns: the projects with access afterwards.
    :raises: FlavorNotFound, FlavorAccessNotFound (404).
    """
    with transaction() as session:
        pk = _flavor_pk(session, flavorid)
        if session.execute(FPT.delete().where(
                FPT.c.flavor_id == pk,
                FPT.c.project_id == project_id)).rowcount != 1:
            raise exception.FlavorAccessNotFound(flavor_id=flavorid,
                                                 project_id=project_id)
    return get_projects(flavorid)
