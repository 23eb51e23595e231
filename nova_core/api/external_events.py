"""Events other services report about servers (``POST
/os-server-external-events``): which are accepted, what they record, and
where they go, as Nova's ``compute.API.external_instance_event``.

An event is accepted (code 200) for a server that is placed on a host,
refused for a server that does not exist (404), one not yet on a host
(422, nowhere to deliver it) or one that needs a tag and has none (400).
Accepted ``power-update`` and ``volume-extended`` events start an instance
action (``start``/``stop``, ``extend_volume``) so that the server's
owner sees them in ``os-instance-actions``; then each host gets its
events in one cast to its compute service.
"""
import collections
import logging

from nova_core.api.schemas import server_external_events as schemas
from nova_core.db import actions as db_actions

LOG = logging.getLogger(__name__)

POWER_ON, POWER_OFF = 'POWER_ON', 'POWER_OFF'
#: power-update's tag -> the instance action it records.
_POWER_ACTIONS = {POWER_ON: 'start', POWER_OFF: 'stop'}


def code(event, instance):
    """The HTTP code of one event about ``instance`` (None: unknown)."""
    if instance is None:
        return 404
    if event['name'] in schemas.TAG_REQUIRED and event.get('tag') is None:
        return 400
    return 200 if instance['host'] else 422


def _action(event):
    """The instance action an accepted event records, or None; and
    whether the event is to be delivered at all (a power-update with a
    tag that is no power state is dropped, as Nova drops it)."""
    if event['name'] == 'volume-extended':
        return 'extend_volume', True
    if event['name'] == 'power-update':
        action = _POWER_ACTIONS.get(event['tag'])
        if action is None:
            LOG.warning('Invalid power state %s. Cannot process the event '
                        '%s. Skipping it.', event['tag'], event)
        return action, action is not None
    return None, True


def dispatch(context, compute, instances, events):
    """Record the actions of accepted ``events`` and cast each host its
    own (``instances``: uuid -> instance, all placed on a host)."""
    by_host = collections.defaultdict(list)
    for event in events:
        action, deliver = _action(event)
        if action:
            db_actions.start(event['server_uuid'], action,
                             context.request_id, context.user_id,
                             context.project_id)
        if deliver:
            by_host[instances[event['server_uuid']]['host']].append({
                'name': event['name'], 'tag': event.get('tag'),
                'status': event['status'],
                'instance_uuid': event['server_uuid']})
    for host, host_events in by_host.items():
        uuids = {e['instance_uuid'] for e in host_events}
        compute.external_instance_event(
            context, [instances[u] for u in sorted(uuids)], host_events,
            host)
