"""``/servers/{server_id}/migrations`` (2.23 on, admins): the server's live
migrations under way, as Nova lists them. Other migrations (resizes, cold
migrations, finished live migrations) are not shown here but by
``/os-migrations``.

``POST .../migrations/{id}/action {"force_complete": null}`` (2.22) and
``DELETE .../migrations/{id}`` (abort, 2.24; also while ``queued`` or
``preparing`` from 2.65) check as Nova does and hand the request to the
source host. The fake driver's live migrations end before anyone can ask,
so these mostly answer Nova's 400 or 409 there."""
import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.states import task_states, vm_states

bp = flask.Blueprint('server_migrations', __name__)

QUERY = {'type': 'object', 'additionalProperties': True}


#: The first microversion of each route (force_complete is older than
#: the listing).
FIRST = {'server_migrations.force_complete': '2.22',
         'server_migrations.abort': '2.24'}


@bp.before_request
def _from_2_23():
    first = FIRST.get(flask.request.endpoint, '2.23')
    if not request.version().matches(first):
        raise exception.NotFound('The resource could not be found.')


def view(migration, version):
    """One live migration as Nova's ``ServerMigrationsController``
    shows it (nova-core records no transfer progress: null bytes)."""
    item = {
        'created_at': links.usage_time(migration['created_at']),
        'dest_compute': migration['dest_compute'], 'dest_host': None,
        'dest_node': migration['dest_node'],
        'disk_processed_bytes': None, 'disk_remaining_bytes': None,
        'disk_total_bytes': None, 'id': migration['id'],
        'memory_processed_bytes': None, 'memory_remaining_bytes': None,
        'memory_total_bytes': None,
        'server_uuid': migration['instance_uuid'],
        'source_compute': migration['source_compute'],
        'source_node': migration['source_node'],
        'status': migration['status'],
        'updated_at': links.usage_time(migration['updated_at']),
    }
    if version.matches('2.59'):
        item['uuid'] = migration['uuid']
    if version.matches('2.80'):
        item.update(user_id=migration['user_id'],
                    project_id=migration['project_id'])
    return item


def _instance(server_id, action):
    ctx = request.context()
    instance = request.servers_api().get(ctx, server_id)
    policy.authorize(ctx, 'os_compute_api:servers:migrations:%s' % action,
                     {'project_id': instance['project_id'],
                      'user_id': instance['user_id']})
    return instance


@bp.get('/servers/<server_id>/migrations')
@validation.schema(query=QUERY)
def index(server_id):
    instance = _instance(server_id, 'index')
    found = moves.get_live_in_progress(instance['uuid'])
    return flask.jsonify({'migrations': [
        view(m, request.version()) for m in found]})


@bp.get('/servers/<server_id>/migrations/<migration_id>')
@validation.schema(query=QUERY)
def show(server_id, migration_id):
    instance = _instance(server_id, 'show')
    found = []
    if migration_id.isascii() and migration_id.isdigit() and len(
            migration_id) < 12:
        found = moves.get_live_in_progress(instance['uuid'],
                                           int(migration_id))
    if not found:
        raise exception.NotFound(
            'In-progress live migration %s is not found for server %s.'
            % (migration_id, instance['uuid']))
    return flask.jsonify({'migration': view(found[0], request.version())})


FORCE_COMPLETE = {
    'type': 'object', 'properties': {'force_complete': {'type': 'null'}},
    'required': ['force_complete'], 'additionalProperties': False}


def _check(ctx, instance, action, vm_from):
    """Nova's ``check_instance_lock`` and ``check_instance_state``
    (task_state ``migrating``).

    :raises: InstanceIsLocked, InstanceInvalidState (409).
    """
    if instance['locked'] and not ctx.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])
    if vm_from is not None and instance['vm_state'] not in vm_from:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance['uuid'], attr='vm_state',
            state=instance['vm_state'])
    if instance['task_state'] != task_states.MIGRATING:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance['uuid'],
            attr='task_state', state=instance['task_state'])


def _migration(instance, migration_id, statuses, method):
    """The server's migration ``migration_id`` in one of ``statuses``.

    :raises: MigrationNotFoundForInstance (404, a bad id too),
        InvalidMigrationState (400).
    """
    found = None
    if migration_id.isascii() and migration_id.isdigit() and len(
            migration_id) < 12:
        try:
            found = moves.get(int(migration_id))
        except exception.MigrationNotFound:
            found = None
    if found is None or found['instance_uuid'] != instance['uuid'] or \
            found['migration_type'] != 'live-migration':
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id, instance_id=instance['uuid'])
    if found['status'] not in statuses:
        raise exception.InvalidMigrationState(
            migration_id=migration_id, instance_uuid=instance['uuid'],
            state=found['status'], method=method)
    return found


def _record(ctx, instance, action):
    """The instance action, under Nova's name."""
    db_actions.start(instance['uuid'], action, ctx.request_id, ctx.user_id,
                     ctx.project_id)


@bp.post('/servers/<server_id>/migrations/<migration_id>/action')
@validation.schema(body=FORCE_COMPLETE)
def force_complete(server_id, migration_id):
    """2.22: as Nova, an ACTIVE server migrating, its migration
    ``running``; a migration not found is 400 here (Nova's)."""
    validation.body()
    ctx = request.context()
    instance = _instance(server_id, 'force_complete')
    _check(ctx, instance, 'force_complete', (vm_states.ACTIVE,))
    try:
        migration = _migration(instance, migration_id, ('running',),
                               'force complete')
    except exception.MigrationNotFoundForInstance as exc:
        raise exception.ValidationError(detail=exc.format_message())
    _record(ctx, instance, 'live_migration_force_complete')
    request.servers_api().compute.live_migration_force_complete(
        ctx, instance, migration)
    return '', 202


@bp.delete('/servers/<server_id>/migrations/<migration_id>')
@validation.schema(query=QUERY)
def abort(server_id, migration_id):
    """2.24: abort a live migration ``running``; from 2.65 also one still
    ``queued`` or ``preparing``, which ends here (``cancelled``, its
    claim given back) before its host is asked."""
    ctx = request.context()
    instance = _instance(server_id, 'delete')
    _check(ctx, instance, 'abort live migration', None)
    in_queue = request.version().matches('2.65')
    statuses = ('queued', 'preparing', 'running') if in_queue else (
        'running',)
    migration = _migration(instance, migration_id, statuses,
                           'abort live migration')
    _record(ctx, instance, 'live_migration_cancel')
    if migration['status'] == 'running':
        request.servers_api().compute.live_migration_abort(
            ctx, instance, migration)
        return '', 202
    try:
        moves.finish(migration['id'], 'cancelled', ('queued', 'preparing'),
                     give_back='new')
    except exception.MigrationStatusConflict:
        # It started meanwhile: its host is asked instead.
        request.servers_api().compute.live_migration_abort(
            ctx, instance, migration)
        return '', 202
    try:
        db_instances.update(instance['uuid'], {'task_state': None},
                            expected_task_state=task_states.MIGRATING)
    except exception.InstanceTaskStateConflict:
        pass
    return '', 202
