"""``resize``, ``confirmResize`` and ``revertResize``, as Nova's.

A resize moves the server to ``task_state=resize_prep`` and hands it to a
conductor, which picks a destination for the new flavor and claims it (see
:mod:`nova_core.conductor.resize`); the server ends in VERIFY_RESIZE
(``vm_state=resized``) until the user confirms (the old flavor's claim is
given back) or reverts (the server returns to its old flavor and host).
"""
from nova_core import exception, quota
from nova_core.api import servers_api as servers_api_mod
from nova_core.api.actions.base import Action
from nova_core.api.schemas import server_actions_move as schemas
from nova_core.api.schemas import servers as server_schemas
from nova_core.db import flavors as db_flavors
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.image import recorded as recorded_image
from nova_core.states import task_states as ts
from nova_core.states import vm_states as vs

VM_FROM = (vs.ACTIVE, vs.STOPPED)
#: The flavor as an instance carries it (``instances.flavor``).
FLAVOR_KEYS = ('flavorid', 'name', 'vcpus', 'memory_mb', 'root_gb',
               'ephemeral_gb', 'swap', 'rxtx_factor', 'extra_specs')


def _new_flavor(ctx, flavor_ref):
    """The flavor to resize to; a private one only for projects with
    access to it (and admins), as at create."""
    try:
        flavor = db_flavors.get(flavor_ref, None if ctx.is_admin
                                else ctx.project_id)
    except exception.FlavorNotFound:
        flavor = None
    if flavor is None or flavor.get('disabled'):
        raise exception.ValidationError(detail='Unable to locate requested '
                                               'flavor.')
    return {k: flavor.get(k) for k in FLAVOR_KEYS}


def _check_flavor(instance, new):
    """Nova's checks of the new flavor against the server and its image.

    :raises: CannotResizeToSameFlavor, CannotResizeDisk,
        FlavorMemoryTooSmall, FlavorDiskTooSmall (400).
    """
    old = instance['flavor']
    if new['flavorid'] == old['flavorid']:
        raise exception.CannotResizeToSameFlavor()
    if not new['root_gb'] and old['root_gb']:
        raise exception.CannotResizeDisk(
            reason='Resize to zero disk flavor is not allowed.')
    if (new['root_gb'] or 0) < (old['root_gb'] or 0):
        # Nova's drivers refuse this on the host; nova-core's refuse it
        # too, so it is refused here before anything moves.
        raise exception.CannotResizeDisk(reason='Unable to resize disk '
                                                'down.')
    meta = instance['system_metadata'] or {}
    if new['memory_mb'] < int(meta.get('image_min_ram') or 0):
        raise exception.FlavorMemoryTooSmall()
    if new['root_gb'] and new['root_gb'] < int(meta.get('image_min_disk') or
                                               0):
        raise exception.FlavorDiskTooSmall()


def _check_quota(ctx, instance, new):
    """An upsize needs quota headroom for the added cores and RAM."""
    old = instance['flavor']
    deltas = {r: new[k] - old[k] for r, k in (('cores', 'vcpus'),
                                             ('ram', 'memory_mb'))
              if new[k] > old[k]}
    if deltas:
        quota.check_deltas(ctx, instance['project_id'], instance['user_id'],
                           **deltas)


def _resize(ctx, api, instance, body):
    servers_api_mod.check_state(instance, 'resize', VM_FROM, (None,))
    new = _new_flavor(ctx, body['resize']['flavorRef'])
    _check_flavor(instance, new)
    _check_quota(ctx, instance, new)
    api.run_action(ctx, instance, 'resize', VM_FROM, (None,),
                   ts.RESIZE_PREP,
                   lambda c, i: api.conductor.migrate_server(
                       c, i, new, recorded_image.from_instance(i)))


def _finished_migration(instance):
    try:
        return moves.get_by_instance_and_status(instance['uuid'],
                                                ('finished',))
    except exception.MigrationNotFound:
        raise exception.ValidationError(detail='Instance has not been '
                                               'resized.')


def _confirm(ctx, api, instance, body):
    servers_api_mod.check_state(instance, 'confirm_resize', (vs.RESIZED,),
                                (None,))
    migration = _finished_migration(instance)
    try:
        api.conductor.confirm_resize(ctx, instance, migration)
    except exception.MigrationStatusConflict:
        raise exception.InstanceInvalidState(
            action='confirm_resize', instance_uuid=instance['uuid'],
            attr='migration status',
            state=moves.get(migration['id'])['status'])
    return '', 204


def _revert(ctx, api, instance, body):
    servers_api_mod.check_state(instance, 'revert_resize', (vs.RESIZED,),
                                (None,))
    migration = _finished_migration(instance)

    def cast(c, i):
        try:
            started = moves.set_status(migration['id'], 'reverting',
                                       expected=('finished',))
        except exception.MigrationStatusConflict as exc:
            db_instances.update(i['uuid'], {'task_state': None},
                                expected_task_state=ts.RESIZE_REVERTING)
            raise exception.InstanceInvalidState(
                action='revert_resize', instance_uuid=i['uuid'],
                attr='migration status',
                state=exc.kwargs['status']) from exc
        api.compute.revert_resize(c, i, started)

    api.run_action(ctx, instance, 'revertResize', (vs.RESIZED,), (None,),
                   ts.RESIZE_REVERTING, cast)


ACTIONS = {
    'resize': Action('os_compute_api:servers:resize', schemas.RESIZE,
                     _resize),
    'confirmResize': Action('os_compute_api:servers:confirm_resize',
                            server_schemas.no_argument_action(
                                'confirmResize'), _confirm),
    'revertResize': Action('os_compute_api:servers:revert_resize',
                           server_schemas.no_argument_action('revertResize'),
                           _revert),
}
