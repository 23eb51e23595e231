"""``/os-server-external-events``: other services (the network and volume
services) tell compute about servers, as Nova's API does.

Each event gets its own ``code`` and ``status`` (see
:mod:`nova_core.api.external_events`); the answer is 200 when every event
was accepted, else 207 (Multi-Status), also when none was: Nova dropped
its all-or-nothing 404 in 2019 so that a caller can tell an unknown
server from one not on a host yet.
"""
import flask

from nova_core import policy
from nova_core.api import external_events, request, validation
from nova_core.api.schemas import server_external_events as schemas
from nova_core.db import instances as db_instances
from nova_core.policies import server_external_events as see_policies

bp = flask.Blueprint('server_external_events', __name__)


@bp.post('/os-server-external-events')
@validation.schema(body=schemas.create)
def create():
    ctx = request.context()
    policy.authorize(ctx, see_policies.POLICY_ROOT % 'create')
    events = validation.body()['events']
    instances = {i['uuid']: i for i in db_instances.get_all(
        {'uuids': sorted({e['server_uuid'] for e in events})})}
    accepted = []
    for event in events:
        event['code'] = external_events.code(
            event, instances.get(event['server_uuid']))
        if event['code'] == 200:
            event['status'] = 'completed'
            accepted.append(event)
        else:
            event['status'] = 'failed'
    if accepted:
        external_events.dispatch(ctx, request.servers_api().compute,
                                 instances, accepted)
    status = 200 if len(accepted) == len(events) else 207
    return flask.jsonify({'events': events}), status
