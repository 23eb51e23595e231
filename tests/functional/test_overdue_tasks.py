"""``GET /os-overdue-tasks`` lists servers past their task deadline (admins)
and the conductor's check resolves them, recording an action event."""
import datetime

from nova_core.conductor import deadlines
from nova_core.conf import CONF
from nova_core.db import instances, models, session
from nova_core.db.models import utcnow


def _stick(server_id, task_state, seconds):
    """Put a server in ``task_state`` as of ``seconds`` ago."""
    instances.update(server_id, {'task_state': task_state})
    with session.transaction() as conn:
        conn.execute(models.Instance.__table__.update().where(
            models.Instance.uuid == server_id).values(
                updated_at=utcnow() - datetime.timedelta(seconds=seconds)))


def _overdue(admin, **params):
    response = admin.get('/os-overdue-tasks', params=params)
    assert response.status_code == 200, response.text
    return {t['id']: t for t in response.json()['overdue_tasks']}


def test_overdue_tasks_are_listed_then_resolved(api, admin, image_id):
    server = api.boot('overdue', image=image_id)
    api.wait_for(server['id'], 'ACTIVE')
    _stick(server['id'], 'pausing', 3600)
    listed = _overdue(admin)[server['id']]
    assert listed['task_state'] == 'pausing'
    assert listed['outcome'] == 'stable'
    assert listed['overdue_seconds'] >= 3600 - CONF.instance_deadlines.power
    assert server['id'] in _overdue(admin, host=listed['host'])
    assert server['id'] not in _overdue(admin, host='no-such-host')
    assert api.get('/os-overdue-tasks').status_code == 403

    deadlines.resolve_overdue(None, CONF, None)
    assert server['id'] not in _overdue(admin)
    shown = api.server(server['id'])
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == ('ACTIVE',
                                                                 None)
    request_id = api.get('/servers/%s/os-instance-actions' % server['id']
                         ).json()['instanceActions'][0]['request_id']
    events = admin.get('/servers/%s/os-instance-actions/%s' % (
        server['id'], request_id)).json()['instanceAction']['events']
    assert [e['result'] for e in events
            if e['event'] == deadlines.EVENT] == ['Error']


def test_a_task_within_its_deadline_is_not_listed(api, admin, image_id):
    server = api.boot('not-overdue', image=image_id)
    api.wait_for(server['id'], 'ACTIVE')
    _stick(server['id'], 'pausing', 5)
    assert server['id'] not in _overdue(admin)
    instances.update(server['id'], {'task_state': None})
