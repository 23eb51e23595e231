"""``/servers/{server_id}/migrations`` (2.23 on, admins): the server's live
migrations under way, as Nova lists them. Other migrations (resizes, cold
migrations, finished live migrations) are not shown here but by
``/os-migrations``; nova-core has no live migration yet, so the list is
empty and any id is 404 until it has."""
import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.db import moves

bp = flask.Blueprint('server_migrations', __name__)

QUERY = {'type': 'object', 'additionalProperties': True}


@bp.before_request
def _from_2_23():
    if not request.version().matches('2.23'):
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
