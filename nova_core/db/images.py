"""Images of the built-in registry (their records; data lives in files)."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

_IT = models.Image.__table__
_GET = sa.select(*models.Image.columns()).where(
    _IT.c.id == sa.bindparam('b_id'), _IT.c.deleted == 0)
_GET_VISIBLE = _GET.where(sa.or_(
    _IT.c.visibility.in_(('public', 'community')),
    _IT.c.owner == sa.bindparam('b_project')))

SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size',
             'id', 'created_at', 'updated_at', 'visibility', 'owner',
             'min_disk', 'min_ram')

_DEFAULTS = {'status': 'queued', 'visibility': 'shared', 'min_ram': 0,
             'min_disk': 0, 'protected': False, 'tags': [], 'properties': {},
             'deleted': 0}


def create(values):
    """:raises: ImageExists for an id ever used, deleted images included."""
    values = dict(_DEFAULTS, **values)
    try:
        with transaction() as session:
            session.execute(_IT.insert(), dict(values,
                                               created_at=models.utcnow()))
            return dict(session.execute(_GET, {'b_id': values['id']}
                                        ).mappings().one())
    except sa.exc.IntegrityError:
        raise exception.ImageExists(image_id=values['id'])


def _visible(query, project_id):
    """What a project may see: public and community images, and its own."""
    if project_id is None:
        return query
    Img = models.Image
    return query.where(sa.or_(Img.visibility.in_(('public', 'community')),
                              Img.owner == project_id))


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


#: What compute needs to know of an image (no database row).
COMPUTE_KEYS = ('id', 'name', 'disk_format', 'container_format', 'size',
                'checksum', 'min_ram', 'min_disk', 'properties', 'status')


def meta_for_compute(image):
    """The part of an image record that a build sends to compute."""
    return {k: image.get(k) for k in COMPUTE_KEYS}


def get_by_name(name, project_id=None):
    """The newest visible image of that name.

    :raises: ImageNotFound.
    """
    Img = models.Image
    query = _visible(sa.select(*Img.columns()).where(
        Img.name == name, Img.deleted == 0), project_id).order_by(
            Img.created_at.desc())
    with reader() as session:
        row = session.execute(query).mappings().first()
    if row is None:
        raise exception.ImageNotFound(image_id=name)
    return dict(row)


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
    stmt = _IT.update().where(_IT.c.id == image_id, _IT.c.deleted == 0)
    if expected_status is not None:
        stmt = stmt.where(_IT.c.status.in_(expected_status))
    with transaction() as session:
        changed = session.execute(stmt.values(
            updated_at=utcnow(), **models.Image.column_names(values))
        ).rowcount
        row = session.execute(_GET, {'b_id': image_id}).mappings().first()
        if row is None:
            raise exception.ImageNotFound(image_id=image_id)
        if changed != 1:
            raise exception.Conflict(reason='Image status is %s.'
                                     % row['status'])
        return dict(row)


def destroy(image_id):
    """:raises: ImageNotFound."""
    with transaction() as session:
        if session.execute(_IT.update().where(
                _IT.c.id == image_id, _IT.c.deleted == 0).values(
                    deleted=1, deleted_at=utcnow(),
                    status='deleted')).rowcount != 1:
            raise exception.ImageNotFound(image_id=image_id)
