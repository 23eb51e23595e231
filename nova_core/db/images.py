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
    I = models.Image
    return query.where(sa.or_(I.visibility.in_(('public', 'community')),
                              I.owner == project_id))


def get(image_id, project_id=None):
    """:raises: ImageNotFound, also for another project's private image."""
    I = models.Image
    query = _visible(sa.select(*I.columns()).where(I.id == image_id,
                                                   I.deleted == 0),
                     project_id)
    with reader() as session:
        row = session.execute(query).mappings().first()
    if row is None:
        raise exception.ImageNotFound(image_id=image_id)
    return dict(row)


def get_by_name(name, project_id=None):
    """The newest visible image of that name.

    :raises: ImageNotFound.
    """
    I = models.Image
    query = _visible(sa.select(I).where(I.name == name, I.deleted == 0),
                     project_id).order_by(I.created_at.desc())
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
    I = models.Image
    query = _visible(sa.select(*I.columns()).where(I.deleted == 0),
                     project_id)
    for key, value in (filters or {}).items():
        if key == 'ids':
            query = query.where(I.id.in_(value))
        elif key == 'size_min':
            query = query.where(I.size >= value)
        elif key == 'size_max':
            query = query.where(I.size <= value)
        else:
            query = query.where(getattr(I, key) == value)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(sa.select(*I.columns()).where(
                I.id == marker)).mappings().first()
            if marker_row is None:
                raise exception.ImageNotFound(image_id=marker)
        query = pagination.paginate(query, I, sort_keys, sort_dirs,
                                    marker_row, limit)
        return [dict(r) for r in session.execute(query).mappings()]


def update(image_id, values, expected_status=None):
    """Change an image, optionally only from ``expected_status``.

    :raises: ImageNotFound; Conflict if its status is not the expected one.
    """
    I = models.Image
    stmt = sa.update(I).where(I.id == image_id, I.deleted == 0)
    if expected_status is not None:
        stmt = stmt.where(I.status.in_(expected_status))
    with transaction() as session:
        if session.execute(stmt.values(updated_at=utcnow(),
                                       **values)).rowcount != 1:
            row = session.get(I, image_id)
            if row is None or row.deleted:
                raise exception.ImageNotFound(image_id=image_id)
            raise exception.Conflict(reason='Image status is %s.'
                                     % row.status)
        return session.get(I, image_id).to_dict()


def destroy(image_id):
    """:raises: ImageNotFound."""
    I = models.Image
    with transaction() as session:
        row = session.scalars(sa.select(I).where(
            I.id == image_id, I.deleted == 0)).first()
        if row is None:
            raise exception.ImageNotFound(image_id=image_id)
        row.deleted, row.deleted_at, row.status = 1, utcnow(), 'deleted'
