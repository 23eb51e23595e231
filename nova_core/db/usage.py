"""What ``os-simple-tenant-usage`` counts: instances, deleted ones too,
that ran in a period (Nova's ``instance_get_active_by_window_joined``)."""
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import models, pagination
from nova_core.db.session import reader

INSTANCE = models.Instance
IT = INSTANCE.__table__
_COLUMNS = ('id', 'uuid', 'display_name', 'project_id', 'flavor', 'vcpus',
            'memory_mb', 'root_gb', 'ephemeral_gb', 'vm_state',
            'launched_at', 'terminated_at', 'created_at')


def instances_in_window(begin, end, project_id=None, limit=None,
                        marker=None):
    """Instances launched before ``end`` and not terminated before
    ``begin``, oldest first; ``marker`` an instance uuid.

    :raises: ValidationError (400) when ``marker`` is no such instance.
    """
    query = sa.select(*[IT.c[c] for c in _COLUMNS]).where(
        IT.c.launched_at < end,
        sa.or_(IT.c.terminated_at.is_(None), IT.c.terminated_at > begin))
    if project_id is not None:
        query = query.where(IT.c.project_id == project_id)
    with reader() as session:
        marker_row = None
        if marker is not None:
            marker_row = session.execute(sa.select(*IT.c).where(
                IT.c.uuid == marker)).mappings().first()
            if marker_row is None:
                raise exception.ValidationError(
                    detail='marker [%s] not found' % marker)
        query = pagination.paginate(query, INSTANCE, ['created_at', 'id'],
                                    ['asc', 'asc'], marker=marker_row,
                                    limit=limit)
        return [dict(r) for r in session.execute(query).mappings()]
