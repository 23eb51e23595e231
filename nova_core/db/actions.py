"""Instance actions and their events (``os-instance-actions``)."""
import sqlalchemy as sa

from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

A, E = models.InstanceAction, models.InstanceActionEvent


def start(instance_uuid, action, request_id, user_id, project_id):
    now = utcnow()
    with transaction() as session:
        session.execute(sa.insert(A).values(
            instance_uuid=instance_uuid, action=action,
            request_id=request_id, user_id=user_id, project_id=project_id,
            start_time=now, created_at=now))


def _action_id(session, instance_uuid, request_id):
    return session.execute(sa.select(A.id).where(
        A.instance_uuid == instance_uuid, A.request_id == request_id
    ).order_by(A.id.desc()).limit(1)).scalar()


def event_start(instance_uuid, request_id, event, host):
    """Open ``event`` under the action of ``request_id``; None if no action."""
    now = utcnow()
    with transaction() as session:
        action_id = _action_id(session, instance_uuid, request_id)
        if action_id is None:
            return None
        session.execute(sa.insert(E).values(
            action_id=action_id, event=event, host=host, start_time=now,
            created_at=now))
        session.execute(sa.update(A).where(A.id == action_id).values(
            updated_at=now))
        return action_id


def event_finish(instance_uuid, request_id, event, result, traceback=None,
                 details=None, start_time=None, host=None):
    """Close the newest open ``event`` (or record it whole if it was never
    opened, with ``start_time``); an error also marks the action."""
    now = utcnow()
    with transaction() as session:
        action_id = _action_id(session, instance_uuid, request_id)
        if action_id is None:
            return
        event_id = session.execute(sa.select(E.id).where(
            E.action_id == action_id, E.event == event,
            E.finish_time.is_(None)).order_by(E.id.desc()).limit(1)).scalar()
        values = {'finish_time': now, 'result': result,
                  'traceback': traceback, 'details': details,
                  'updated_at': now}
        if event_id is None:
            session.execute(sa.insert(E).values(
                action_id=action_id, event=event, host=host,
                start_time=start_time or now, created_at=now, **values))
        else:
            session.execute(sa.update(E).where(E.id == event_id).values(
                **values))
        action_values = {'updated_at': now}
        if result == 'Error':
            action_values['message'] = 'Error'
        session.execute(sa.update(A).where(A.id == action_id).values(
            **action_values))


def get_all(instance_uuid, limit=None, marker=None, changes_since=None):
    """Actions of an instance, newest first; None for an unknown marker."""
    query = sa.select(*A.columns()).where(
        A.instance_uuid == instance_uuid).order_by(A.created_at.desc(),
                                                  A.id.desc())
    if changes_since is not None:
        query = query.where(A.updated_at >= changes_since)
    with reader() as session:
        rows = [dict(r) for r in session.execute(query).mappings()]
    if marker is not None:
        ids = [r['request_id'] for r in rows]
        if marker not in ids:
            return None
        rows = rows[ids.index(marker) + 1:]
    return rows if limit is None else rows[:limit]


def get(instance_uuid, request_id):
    """An action with its events, or None."""
    with reader() as session:
        action = session.execute(sa.select(*A.columns()).where(
            A.instance_uuid == instance_uuid, A.request_id == request_id
        ).order_by(A.id.desc()).limit(1)).mappings().first()
        if action is None:
            return None
        result = dict(action)
        result['events'] = [dict(e) for e in session.execute(
            sa.select(*E.columns()).where(E.action_id == action['id'])
            .order_by(E.id)).mappings()]
        return result
