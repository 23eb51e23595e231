"""Keyset pagination: the rows after a marker row in a given sort order."""
import sqlalchemy as sa


def paginate(query, model, sort_keys, sort_dirs, marker=None, limit=None):
    """Order ``query`` by ``sort_keys`` and return the page after ``marker``.

    ``sort_keys`` must end with a unique key (e.g. ``id``) so that the order
    is total; ``marker`` is the row (a mapping) the previous page ended
    with.
    """
    columns = [getattr(model, key) for key in sort_keys]
    query = query.order_by(*[
        clause for col, direction in zip(columns, sort_dirs, strict=True)
        for clause in _order(col, direction)])
    if marker is not None:
        # (k1 > m1) OR (k1 = m1 AND k2 > m2) OR ... with > for asc and
        # < for desc; NULLs sort first in asc (see _order).
        branches = []
        pairs = list(zip(columns, sort_keys, sort_dirs, strict=True))
        for i, (col, key, direction) in enumerate(pairs):
            equal_before = [_equal(c, marker[k]) for c, k, _ in pairs[:i]]
            branches.append(sa.and_(*equal_before,
                                    _after(col, marker[key], direction)))
        query = query.where(sa.or_(*branches))
    if limit is not None:
        query = query.limit(limit)
    return query


def _order(col, direction):
    """ORDER BY clauses putting NULLs first when ascending, last when
    descending, on every backend (PostgreSQL's own default is the reverse,
    and MariaDB has no NULLS FIRST); the marker condition relies on it."""
    if not col.expression.nullable:
        return [col.desc() if direction == 'desc' else col.asc()]
    nulls = sa.case((col.is_(None), 0), else_=1)
    return ([nulls.desc(), col.desc()] if direction == 'desc'
            else [nulls.asc(), col.asc()])


def _equal(col, value):
    return col.is_(None) if value is None else col == value


def _after(col, value, direction):
    if direction == 'desc':
        return sa.false() if value is None else sa.or_(col < value,
                                                        col.is_(None))
    return col.is_not(None) if value is None else col > value
