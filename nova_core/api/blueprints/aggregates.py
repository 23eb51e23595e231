"""``/os-aggregates``: host aggregates, their hosts and metadata (admins).

The ``availability_zone`` metadata makes a zone of the aggregate's hosts;
as Nova, a host is in one zone at most, and a zone holding servers is not
renamed under them.
"""
import flask

from nova_core import exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import aggregates as schemas
from nova_core.api.schemas import types
from nova_core.db import aggregates as db_aggregates
from nova_core.db import instances as db_instances

bp = flask.Blueprint('aggregates', __name__)

RULE = 'os_compute_api:os-aggregates:%s'
QUERY = {'type': 'object', 'additionalProperties': True}


def _view(aggregate, with_members=True):
    view = {
        'id': aggregate['id'], 'name': aggregate['name'],
        'availability_zone': aggregate['availability_zone'],
        'created_at': links.usage_time(aggregate['created_at']),
        'updated_at': links.usage_time(aggregate['updated_at']),
        'deleted_at': None, 'deleted': False,
    }
    if request.version().matches('2.41'):
        view['uuid'] = aggregate['uuid']
    if with_members:
        view['hosts'] = aggregate['hosts']
        view['metadata'] = aggregate['metadata']
    return view


def _answer(aggregate):
    return flask.jsonify({'aggregate': _view(aggregate)})


def _authorize(name):
    policy.authorize(request.context(), RULE % name)


def _id(aggregate_id):
    """The aggregate id of the path, an integer as Nova requires."""
    number = validation.text_integer(aggregate_id)
    if number is None:
        raise exception.ValidationError(
            detail='Invalid input for field/attribute id. Value: %s. '
                   "'%s' is not an integer" % (aggregate_id, aggregate_id))
    if not 0 <= number <= types.MAX_INT:
        raise db_aggregates.not_found(aggregate_id)
    return int(number)


def check_zone(aggregate, zone, hosts, error, check_instances=False):
    """Nova's ``is_safe_to_update_az``: ``zone`` must be named, no host
    may be in an aggregate of another zone, and (``check_instances``) a
    zone with servers on its hosts keeps its name.

    :raises: ``error(reason)``.
    """
    if not zone:
        raise error('Aggregate %s does not support empty named '
                    'availability zone' % aggregate['name'])
    others = db_aggregates.zones_of_hosts(hosts, aggregate['id'])
    conflicting = sorted({z for zones in others.values() for z in zones
                          if z != zone})
    if conflicting:
        raise error('One or more hosts already in availability zone(s) %s'
                    % conflicting)
    if (check_instances and aggregate['availability_zone'] != zone and
            any(db_instances.get_all({'host': h}) for h in hosts)):
        raise error('One or more hosts contain instances in this zone')


def _invalid(template, aggregate_id):
    def error(reason):
        return exception.Invalid(reason=template % (aggregate_id, reason))
    return error


@bp.get('/os-aggregates')
@validation.schema(query=QUERY)
def index():
    _authorize('index')
    return flask.jsonify({'aggregates': [
        _view(a) for a in db_aggregates.get_all()]})


@bp.post('/os-aggregates')
@validation.schema(body=schemas.create)
def create():
    _authorize('create')
    body = validation.body()['aggregate']
    aggregate = db_aggregates.create(body['name'],
                                     body.get('availability_zone'))
    return flask.jsonify({'aggregate': _view(aggregate,
                                             with_members=False)})


@bp.get('/os-aggregates/<aggregate_id>')
@validation.schema(query=QUERY)
def show(aggregate_id):
    _authorize('show')
    return _answer(db_aggregates.get(_id(aggregate_id)))


@bp.put('/os-aggregates/<aggregate_id>')
@validation.schema(body=schemas.update)
def update(aggregate_id):
    _authorize('update')
    aggregate = db_aggregates.get(_id(aggregate_id))
    body = validation.body()['aggregate']
    if 'availability_zone' in body:
        check_zone(aggregate, body['availability_zone'], aggregate['hosts'],
                   _invalid('Cannot update aggregate %s. Reason: %s.',
                            aggregate['id']), check_instances=True)
    if 'name' in body:
        db_aggregates.rename(aggregate['id'], body['name'])
    metadata = ({'availability_zone': body['availability_zone']}
                if 'availability_zone' in body else {})
    return _answer(db_aggregates.update_metadata(aggregate['id'], metadata))


@bp.delete('/os-aggregates/<aggregate_id>')
@validation.schema()
def delete(aggregate_id):
    _authorize('delete')
    db_aggregates.destroy(_id(aggregate_id))
    return '', 200


def _add_host(aggregate, body):
    host = body['add_host']['host']
    zone = aggregate['availability_zone']
    if zone:
        def conflict(reason):
            return exception.Conflict(
                reason='Cannot add host to aggregate %s. Reason: %s.'
                % (aggregate['id'], reason))
        check_zone(aggregate, zone, [host], conflict)
    return db_aggregates.add_host(aggregate['id'], host)


def _remove_host(aggregate, body):
    return db_aggregates.remove_host(aggregate['id'],
                                     body['remove_host']['host'])


def _set_metadata(aggregate, body):
    metadata = body['set_metadata']['metadata']
    if 'availability_zone' in metadata:
        check_zone(aggregate, metadata['availability_zone'],
                   aggregate['hosts'],
                   _invalid('Cannot update metadata of aggregate %s. '
                            'Reason: %s.', aggregate['id']),
                   check_instances=True)
    return db_aggregates.update_metadata(aggregate['id'], metadata)


_HANDLERS = {'add_host': _add_host, 'remove_host': _remove_host,
             'set_metadata': _set_metadata}


@bp.post('/os-aggregates/<aggregate_id>/action')
@validation.schema(body=schemas.action)
def action(aggregate_id):
    document = validation.body({'type': 'object', 'minProperties': 1})
    name = next(iter(document))
    if len(document) != 1 or name not in _HANDLERS:
        raise exception.ValidationError(
            detail='There is no such action: %s' % ', '.join(
                sorted(document)))
    _authorize(name)
    validation.check(schemas.ACTIONS[name], document)
    aggregate = db_aggregates.get(_id(aggregate_id))
    return _answer(_HANDLERS[name](aggregate, document))
