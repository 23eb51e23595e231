"""Images of the built-in registry (their records; data lives in files)."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size',
             'id', 'created_at', 'updated_at', 'visibility', 'owner',
             'min_disk', 'min_ram')


def create(values):
    with transaction() as session:
        row = models.Image(**values)
        session.add(row)
        session.flush()
        return row.to_dict()


def _visible(query, project_id):
    """What a project may see: public and community images, and its own."""
    if project_id is None:
        return query
    Img = models.Image
    return query.where(sa.or_(Img.visibility.in_(('public', 'community')),
                              Img.owner == project_id))


_IT = models.Image.__table__
_GET = sa.select(*[c.label(a.key) for a, c in (
    (a, a.columns[0]) for a in models.Image.__mapper__.column_attrs)]).where(
    _IT.c.id == sa.bindparam('b_id'), _IT.c.deleted == 0)
_GET_VISIBLE = _GET.where(sa.or_(
    _IT.c.visibility.in_(('public', 'community')),
    _IT.c.owner == sa.bindparam('b_project')))


def get(image_id, project_id=None):
    """:raises: ImageNotFound, also for another project's private image."""
    query = _GET if project_id is None else _GET_VISIBLE
    with reader() as session:
        row = session.execute(query, {'b_id': image_id,
                                      'b_project': project_id}
                              ).mappings().first()
    if row is None:
        raise exception.ImageNotFound(image_id=image_id)
    return dict(row)


def get_by_name(name, project_id=None):
    """The newest visible image of that name.

    :raises: ImageNotFound.
    """
    Img = models.Image
    query = _visible(sa.select(Img).where(Img.name == name, Img.deleted == 0),
                     project_id).order_by(Img.created_at.desc())
    with reader() as session:
        row = session.scalars(query).first()
        if row is None:
            raise exception.ImageNotFound(image_id=name)
        return row.to_dict()


def get_all(project_id=None, filters=None, sort_keys=('created_at', 'id'),
            sort_dirs=('desc', 'desc'), limit=None, marker=None):
    """Visible images matching exact-value ``filters`` (and ``ids``).

    :raises: ImageNotFound for an unknown marker.
    """
    Img = models.Image
    query = _visible(sa.select(*Img.columns()).where(Img.deleted == 0),
                     project_id)
    for key, value in (filters or {}).items():
        if key == 'ids':
            query = query.where(Img.id.in_(value))
        elif key == 'size_min':
            query = query.where(Img.size >= value)
        elif key == 'size_max':
            query = query.where(Img.size <= value)
        else:
            query = query.where(getattr(Img, key) == value)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(sa.select(*Img.columns()).where(
                Img.id == marker)).mappings().first()
            if marker_row is None:
                raise exception.ImageNotFound(image_id=marker)
        query = pagination.paginate(query, Img, sort_keys, sort_dirs,
                                    marker_row, limit)
        return [dict(r) for r in session.execute(query).mappings()]


def update(image_id, values, expected_status=None):
    """Change an image, optionally only from ``expected_status``.

    :raises: ImageNotFound; Conflict if its status is not the expected one.
    """
    Img = models.Image
    stmt = sa.update(Img).where(Img.id == image_id, Img.deleted == 0)
    if expected_status is not None:
        stmt = stmt.where(Img.status.in_(expected_status))
    with transaction() as session:
        if session.execute(stmt.values(updated_at=utcnow(),
                                       **values)).rowcount != 1:
            row = session.get(Img, image_id)
            if row is None or row.deleted:
                raise exception.ImageNotFound(image_id=image_id)
            raise exception.Conflict(reason='Image status is %s.'
                                     % row.status)
        return session.get(Img, image_id).to_dict()


def destroy(image_id):
    """:raises: ImageNotFound."""
    Img = models.Image
    with transaction() as session:
        row = session.scalars(sa.select(Img).where(
            Img.id == image_id, Img.deleted == 0)).first()
        if row is None:
            raise exception.ImageNotFound(image_id=image_id)
        row.deleted, row.deleted_at, row.status = 1, utcnow(), 'deleted'
