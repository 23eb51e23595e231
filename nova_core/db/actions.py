"""Instance actions and their events (``os-instance-actions``)."""
import sqlalchemy as sa

from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction


def start(instance_uuid, action, request_id, user_id, project_id):
    with transaction() as session:
        row = models.InstanceAction(
            instance_uuid=instance_uuid, action=action,
            request_id=request_id, user_id=user_id, project_id=project_id)
        session.add(row)
        session.flush()
        return row.to_dict()


def start_many(rows):
    """Record one action for each of several instances (multi-create)."""
    with transaction() as session:
        session.add_all([models.InstanceAction(**r) for r in rows])


def _action_for(session, instance_uuid, request_id):
    A = models.InstanceAction
    return session.scalars(sa.select(A).where(
        A.instance_uuid == instance_uuid, A.request_id == request_id).order_by(
            A.id.desc())).first()


def event_start(instance_uuid, request_id, event, host):
    """Open ``event`` under the action of ``request_id``; None if no action."""
    with transaction() as session:
        action = _action_for(session, instance_uuid, request_id)
        if action is None:
            return None
        row = models.InstanceActionEvent(action_id=action.id, event=event,
                                         host=host)
        session.add(row)
        action.updated_at = utcnow()
        return action.id


def event_finish(instance_uuid, request_id, event, result, traceback=None,
                 details=None):
    """Close the newest open ``event``; an error also marks the action."""
    E = models.InstanceActionEvent
    with transaction() as session:
        action = _action_for(session, instance_uuid, request_id)
        if action is None:
            return
        row = session.scalars(sa.select(E).where(
            E.action_id == action.id, E.event == event).order_by(
                E.id.desc())).first()
        now = utcnow()
        if row is None:
            row = models.InstanceActionEvent(action_id=action.id,
                                             event=event, start_time=now)
            session.add(row)
        row.finish_time, row.result = now, result
        row.traceback, row.details = traceback, details
        action.updated_at = now
        if result == 'Error':
            action.message = 'Error'


def finish(instance_uuid, request_id):
    with transaction() as session:
        action = _action_for(session, instance_uuid, request_id)
        if action is not None:
            action.finish_time = utcnow()


def get_all(instance_uuid, limit=None, marker=None, changes_since=None):
    """Actions of an instance, newest first."""
    A = models.InstanceAction
    query = sa.select(A).where(A.instance_uuid == instance_uuid).order_by(
        A.created_at.desc(), A.id.desc())
    if changes_since is not None:
        query = query.where(A.updated_at >= changes_since)
    with reader() as session:
        rows = [r.to_dict() for r in session.scalars(query)]
    if marker is not None:
        ids = [r['request_id'] for r in rows]
        rows = rows[ids.index(marker) + 1:] if marker in ids else None
    return rows if rows is None or limit is None else rows[:limit]


def get(instance_uuid, request_id):
    """An action with its events, or None."""
    E = models.InstanceActionEvent
    with reader() as session:
        action = _action_for(session, instance_uuid, request_id)
        if action is None:
            return None
        result = action.to_dict()
        result['events'] = [e.to_dict() for e in session.scalars(
            sa.select(E).where(E.action_id == action.id).order_by(E.id))]
        return result
