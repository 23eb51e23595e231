"""Instance actions and their events (``os-instance-actions``).

Events are written on every boot and every action, so their statements
are built once, with bind parameters, on the tables themselves.
"""
import sqlalchemy as sa

from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error
from nova_core.db.session import reader, transaction

A, E = models.InstanceAction, models.InstanceActionEvent
AT, ET = A.__table__, E.__table__

_INSERT_ACTION = AT.insert()
_ACTION_ID = sa.select(AT.c.id).where(
    AT.c.instance_uuid == sa.bindparam('b_uuid'),
    AT.c.request_id == sa.bindparam('b_request')).order_by(
        AT.c.id.desc()).limit(1)
_TOUCH_ACTION = AT.update().where(AT.c.id == sa.bindparam('b_action'))
_INSERT_EVENT = ET.insert()
_CLOSE_EVENT = ET.update().where(ET.c.id == sa.bindparam('b_event_id'))
#: The action of a request and its newest open ``b_event``, in one round
#: trip (an event finishes on every step of every boot).
_ACTION_AND_OPEN_EVENT = sa.select(
    AT.c.id, sa.select(sa.func.max(ET.c.id)).where(
        ET.c.action_id == AT.c.id,
        ET.c.event == sa.bindparam('b_event'),
        ET.c.finish_time.is_(None)).scalar_subquery()).where(
    AT.c.instance_uuid == sa.bindparam('b_uuid'),
    AT.c.request_id == sa.bindparam('b_request')).order_by(
        AT.c.id.desc()).limit(1)


@retry_on_db_error
def start(instance_uuid, action, request_id, user_id, project_id):
    now = utcnow()
    with transaction() as session:
        session.execute(_INSERT_ACTION, {
            'instance_uuid': instance_uuid, 'action': action,
            'request_id': request_id, 'user_id': user_id,
            'project_id': project_id, 'start_time': now, 'created_at': now})


def _action_id(session, instance_uuid, request_id):
    return session.execute(_ACTION_ID, {'b_uuid': instance_uuid,
                                        'b_request': request_id}).scalar()


@retry_on_db_error
def event_start(instance_uuid, request_id, event, host):
    """Open ``event`` under the action of ``request_id``; None if no action."""
    now = utcnow()
    with transaction() as session:
        action_id = _action_id(session, instance_uuid, request_id)
        if action_id is None:
            return None
        session.execute(_INSERT_EVENT, {
            'action_id': action_id, 'event': event, 'host': host,
            'start_time': now, 'created_at': now})
        session.execute(_TOUCH_ACTION, {'b_action': action_id,
                                        'updated_at': now})
        return action_id


@retry_on_db_error
def event_finish(instance_uuid, request_id, event, result, traceback=None,
                 details=None, start_time=None, host=None):
    """Close the newest open ``event`` (or record it whole if it was never
    opened, with ``start_time``); an error also marks the action."""
    now = utcnow()
    with transaction() as session:
        row = session.execute(_ACTION_AND_OPEN_EVENT, {
            'b_uuid': instance_uuid, 'b_request': request_id,
            'b_event': event}).first()
        if row is None:
            return
        action_id, event_id = row
        values = {'finish_time': now, 'result': result,
                  'traceback': traceback, 'details': details,
                  'updated_at': now}
        if event_id is None:
            session.execute(_INSERT_EVENT, dict(
                values, action_id=action_id, event=event, host=host,
                start_time=start_time or now, created_at=now))
        else:
            session.execute(_CLOSE_EVENT, dict(values, b_event_id=event_id))
        touch = {'b_action': action_id, 'updated_at': now}
        if result == 'Error':
            touch['message'] = 'Error'
        session.execute(_TOUCH_ACTION, touch)


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


def create_request_id(instance_uuid):
    """The request id of the ``create`` action of an instance, or None:
    where the events of a build that is retried later belong."""
    with reader() as session:
        return session.execute(sa.select(AT.c.request_id).where(
            AT.c.instance_uuid == instance_uuid, AT.c.action == 'create'
        ).order_by(AT.c.id).limit(1)).scalar()


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
