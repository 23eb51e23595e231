"""``GET /os-overdue-tasks``: the servers whose task is past its deadline
(admins).

Every transitional task_state has a deadline (``[instance_deadlines]``);
the conductor resolves overdue tasks at its next periodic check, so a
server listed here for longer than ``[conductor] periodic_interval`` means
that no conductor is running its checks. ``?host=`` narrows the list to
one compute host.
"""
import datetime

import flask

from nova_core import policy
from nova_core.api import links, request, validation
from nova_core.api.views import servers as views
from nova_core.db import instances as db_instances
from nova_core.db.models import utcnow
from nova_core.states import task_deadlines

bp = flask.Blueprint('overdue_tasks', __name__)

QUERY = {'type': 'object', 'properties': {
    'host': {'type': 'array', 'items': {'type': 'string', 'minLength': 1,
                                        'maxLength': 255}},
}, 'additionalProperties': True}


def _view(instance, conf, now):
    since = instance['updated_at'] or instance['created_at']
    limit = task_deadlines.seconds(conf, instance['task_state']) \
        if instance['task_state'] in task_deadlines.TABLE else 0
    deadline = since + datetime.timedelta(seconds=limit)
    return dict(
        views.basic(instance), tenant_id=instance['project_id'],
        host=instance['host'], vm_state=instance['vm_state'],
        task_state=instance['task_state'],
        task_changed_at=links.isotime(since),
        deadline=links.isotime(deadline),
        overdue_seconds=int((now - deadline).total_seconds()),
        outcome=task_deadlines.outcome(instance['task_state']))


@bp.get('/os-overdue-tasks')
@validation.schema(query=QUERY)
def index():
    policy.authorize(request.context(),
                     'os_compute_api:os-overdue-tasks:list')
    host = validation.single(validation.query(), 'host')
    conf, now = request.conf(), utcnow()
    overdue = db_instances.overdue(task_deadlines.cutoffs(conf, now),
                                   limit=conf.api.max_limit, host=host)
    return flask.jsonify({'overdue_tasks': [_view(i, conf, now)
                                            for i in overdue]})
