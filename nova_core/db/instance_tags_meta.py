"""Server metadata and tags: the instance's ``metadata`` (JSON object) and
``tags`` (JSON list) columns.

Changes read, check and write the row in one writing transaction, so two
concurrent merges both land and a state or lock check sees the row that
is written. Tag filters of server lists are SQL (:func:`tag_filters`), so
the database pages the result: there is no tag table, so the test of
"array holds string" is compiled per backend from its JSON functions.
"""
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from nova_core import exception
from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.session import transaction

T = models.Instance.__table__
_ROW = sa.select(T.c.uuid, T.c.vm_state, T.c.task_state, T.c.locked,
                 T.c.metadata, T.c.tags).where(
    T.c.uuid == sa.bindparam('b_uuid'), T.c.deleted == 0)
_COLUMNS = {'meta': 'metadata', 'tags': 'tags'}


def change(instance_uuid, what, compute, check=None):
    """Replace an instance's ``meta`` or ``tags`` with ``compute(current)``.

    ``check(row)`` runs first on the locked row (``uuid``, ``vm_state``,
    ``task_state``, ``locked``); either may raise to change nothing.

    :returns: the new value.
    :raises: InstanceNotFound, and whatever ``check``/``compute`` raise.
    """
    column = _COLUMNS[what]
    with transaction() as session:
        row = session.execute(_ROW.with_for_update(), {
            'b_uuid': instance_uuid}).mappings().first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        if check is not None:
            check(row)
        current = row[column]
        value = compute(dict(current or {}) if what == 'meta'
                        else list(current or []))
        if value != current:
            session.execute(T.update().where(T.c.uuid == instance_uuid,
                                             T.c.deleted == 0).values(
                {column: value, 'updated_at': utcnow()}))
        return value


class _ArrayHas(FunctionElement):
    """``<json array column> holds <string>``; compiled per backend."""
    type = sa.Boolean()
    inherit_cache = True
    name = 'json_array_has'


@compiles(_ArrayHas)
def _unsupported(element, compiler, **kw):
    """Other backends: nova-core's database is one of the three below."""
    raise sa.exc.CompileError('tag filters need SQLite, MySQL/MariaDB or '
                              'PostgreSQL, not %s' % compiler.dialect.name)


@compiles(_ArrayHas, 'sqlite')
def _sqlite(element, compiler, **kw):
    column, value = (compiler.process(c, **kw) for c in element.clauses)
    return ('EXISTS (SELECT 1 FROM json_each(%s) WHERE json_each.value = '
            '%s)' % (column, value))


@compiles(_ArrayHas, 'postgresql')
def _postgresql(element, compiler, **kw):
    column, value = (compiler.process(c, **kw) for c in element.clauses)
    return ('COALESCE(CAST(%s AS JSONB) @> jsonb_build_array(CAST(%s AS '
            'TEXT)), false)' % (column, value))


@compiles(_ArrayHas, 'mysql')
@compiles(_ArrayHas, 'mariadb')
def _mysql(element, compiler, **kw):
    column, value = (compiler.process(c, **kw) for c in element.clauses)
    return 'COALESCE(JSON_CONTAINS(%s, JSON_QUOTE(%s)), 0)' % (column, value)


def has_tag(tag, column=T.c.tags):
    return _ArrayHas(column, sa.literal(tag, sa.String))


def tag_filters(filters, column=T.c.tags):
    """WHERE clauses for Nova's tag filters of a server list: ``tags``
    (all of), ``tags_any`` (any of), ``not_tags`` (not all of) and
    ``not_tags_any`` (none of)."""
    clauses = []
    if filters.get('tags'):
        clauses.append(sa.and_(*[has_tag(t, column)
                                 for t in filters['tags']]))
    if filters.get('tags_any'):
        clauses.append(sa.or_(*[has_tag(t, column)
                                for t in filters['tags_any']]))
    if filters.get('not_tags'):
        clauses.append(sa.not_(sa.and_(*[has_tag(t, column)
                                         for t in filters['not_tags']])))
    if filters.get('not_tags_any'):
        clauses.append(sa.not_(sa.or_(*[
            has_tag(t, column) for t in filters['not_tags_any']])))
    return clauses
