"""``shelve``, ``shelveOffload`` and ``unshelve``, as Nova's.

Shelve queues a snapshot image (``<name>-shelved``) and casts the shelve
to the host, which powers the guest off, uploads its disk and, with
``[DEFAULT] shelved_offload_time = 0``, offloads it (see
:mod:`nova_core.compute.shelve`). Unshelve goes to a conductor, which
powers a SHELVED server on where it is, or places a SHELVED_OFFLOADED
one again (2.77: in another availability zone; 2.91: on a host an admin
names, or with its zone unpinned by ``null``) and boots it from that
image (see :mod:`nova_core.conductor.shelve`).
"""
from nova_core import exception, policy
from nova_core.api import request
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.actions.snapshot import snapshot_record
from nova_core.api.schemas import server_lifecycle as schemas
from nova_core.db import images as db_images
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services
from nova_core.policies.shelve import POLICY_ROOT
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

SHELVE_FROM = (vs.ACTIVE, vs.STOPPED, vs.PAUSED, vs.SUSPENDED)
UNSHELVE_FROM = (vs.SHELVED, vs.SHELVED_OFFLOADED)
_UNSET = object()


def _shelve(ctx, api, instance, body):
    servers_api_mod.check_state(instance, 'shelve', SHELVE_FROM, (None,))
    image = db_images.create(snapshot_record(
        ctx, instance, '%s-shelved' % instance['display_name'], {}))
    try:
        api.run_action(ctx, instance, 'shelve', SHELVE_FROM, (None,),
                       ts.SHELVING,
                       lambda c, i: api.compute.shelve_instance(
                           c, i, image['id']))
    except BaseException:
        db_images.destroy(image['id'])
        raise


def _shelve_offload(ctx, api, instance, body):
    api.run_action(ctx, instance, 'shelveOffload', (vs.SHELVED,), (None,),
                   ts.SHELVING_OFFLOADING,
                   api.compute.shelve_offload_instance)


def _arguments(body):
    """(zone, host) asked for: ``_UNSET`` where the body names none."""
    args = body['unshelve'] if isinstance(body['unshelve'], dict) else {}
    version = request.version()
    zone = (args.get('availability_zone', _UNSET) if version.matches('2.77')
            else _UNSET)
    host = args.get('host') if version.matches('2.91') else None
    return zone, host


def _check_placement(ctx, instance, zone, host):
    """Nova's checks of an unshelve's zone and host.

    :raises: UnshelveInvalidState (409), ValidationError (400),
        Conflict (409: host not in zone).
    """
    if instance['vm_state'] != vs.SHELVED_OFFLOADED and (
            zone is not _UNSET or host):
        raise exception.Conflict(reason=(
            'Specifying an availability zone or a host when unshelving '
            'server "%s" with status "%s" is not supported. The server '
            'status must be SHELVED_OFFLOADED.' % (
                instance['uuid'], instance['vm_state'].upper())))
    computes = db_services.get_all(binary='nova-compute')
    conf = request.conf()
    zones = {s['host']: s['availability_zone'] or
             conf.default_availability_zone for s in computes}
    if host:
        policy.authorize(ctx, POLICY_ROOT % 'unshelve_to_host',
                         {'project_id': instance['project_id']})
        if host not in zones:
            raise exception.ValidationError(
                detail='Compute host %s could not be found.' % host)
    if zone not in (_UNSET, None):
        if zone not in set(zones.values()):
            raise exception.ValidationError(
                detail='The requested availability zone is not available')
        if host and zones[host] != zone:
            raise exception.Conflict(reason=(
                'Host "%s" is not in the availability zone "%s".'
                % (host, zone)))


def _request_spec(instance, zone, host):
    """Where the conductor may place the server: the zone asked for, else
    the one it was pinned to at create (None unpins, 2.91)."""
    pinned = (instance['system_metadata'] or {}).get(
        'pinned_availability_zone')
    return {'availability_zone': pinned if zone is _UNSET else zone,
            'requested_host': host or None}


def _unshelve(ctx, api, instance, body):
    zone, host = _arguments(body)
    servers_api_mod.check_state(instance, 'unshelve', UNSHELVE_FROM, (None,))
    _check_placement(ctx, instance, zone, host)
    try:
        instance = db_instances.update(
            instance['uuid'], {'task_state': ts.UNSHELVING},
            expected_task_state=(None,), expected_vm_state=UNSHELVE_FROM)
    except exception.InstanceTaskStateConflict:
        servers_api_mod.check_state(db_instances.get(instance['uuid']),
                                    'unshelve', UNSHELVE_FROM, (None,))
        raise
    api._record(ctx, instance, 'unshelve')
    api.conductor.unshelve_instance(ctx, instance,
                                    _request_spec(instance, zone, host))


ACTIONS = {
    'shelve': Action(POLICY_ROOT % 'shelve', schemas.no_argument('shelve'),
                     _shelve),
    'shelveOffload': Action(POLICY_ROOT % 'shelve_offload',
                            schemas.no_argument('shelveOffload'),
                            _shelve_offload),
    'unshelve': Action(POLICY_ROOT % 'unshelve', schemas.unshelve,
                       _unshelve),
}
