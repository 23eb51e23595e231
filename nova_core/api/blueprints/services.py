"""``/os-services``: the services of the cloud, whether they are up, and
enabling, disabling, forcing down and deleting them (admins)."""
import uuid

import flask

from nova_core import availability_zones, exception, policy
from nova_core.api import links, request, validation
from nova_core.api.schemas import services as schemas
from nova_core.api.schemas import types
from nova_core.db import services as db_services

bp = flask.Blueprint('services', __name__)

QUERY = {'type': 'object', 'properties': {
    'binary': {'type': 'array', 'items': {'type': 'string'}},
    'host': {'type': 'array', 'items': {'type': 'string'}},
}, 'additionalProperties': True}


def view(service, version, down_time):
    zone = availability_zones.service_zone(service, request.conf())
    item = {
        'id': service['uuid'] if version.matches('2.53') else service['id'],
        'binary': service['binary'], 'host': service['host'], 'zone': zone,
        'status': 'disabled' if service['disabled'] else 'enabled',
        'state': 'up' if db_services.is_up(service, down_time) else 'down',
        'updated_at': links.usage_time(service['last_seen_up'] or
                                       service['updated_at']),
        'disabled_reason': service['disabled_reason'],
    }
    if version.matches('2.11'):
        item['forced_down'] = bool(service['forced_down'])
    return item


def _view(service):
    return view(service, request.version(), request.conf().service_down_time)


@bp.get('/os-services')
@validation.schema(query=QUERY)
def index():
    policy.authorize(request.context(), 'os_compute_api:os-services:list')
    params = validation.query()
    services = db_services.get_all(binary=validation.single(params, 'binary'),
                                   host=validation.single(params, 'host'))
    return flask.jsonify({'services': [_view(s) for s in services]})


def _by_id(service_id):
    """A service by its uuid (2.53 and later) or its integer id."""
    if request.version().matches('2.53'):
        try:
            uuid.UUID(service_id)
        except ValueError:
            raise exception.ValidationError(detail='Invalid uuid %s'
                                            % service_id)
        return db_services.get_by_uuid(service_id)
    if not (service_id.isascii() and service_id.isdigit()):
        raise exception.ValidationError(
            detail='Invalid service id %s' % service_id)
    for service in db_services.get_all():
        if str(service['id']) == service_id:
            return service
    raise exception.ServiceNotFound(service_id=service_id)


def _only_compute(service):
    if service['binary'] != 'nova-compute':
        raise exception.ValidationError(
            detail='Updating a %s service is not supported. Only '
                   'nova-compute services can be updated.'
                   % service['binary'])


@bp.put('/os-services/<service_id>')
@validation.schema(body=schemas.update)
def update(service_id):
    """2.53+: PUT by uuid; before, PUT /os-services/{action}."""
    policy.authorize(request.context(), 'os_compute_api:os-services:update')
    if not request.version().matches('2.53'):
        return _legacy_update(service_id)
    body = validation.body()
    if 'status' not in body and 'forced_down' not in body:
        raise exception.ValidationError(
            detail="No updates were requested. Fields 'status' or "
                   "'forced_down' should be specified.")
    if 'disabled_reason' in body and body.get('status') != 'disabled':
        raise exception.ValidationError(
            detail="Specifying 'disabled_reason' with status '%s' is "
                   "invalid." % body.get('status'))
    service = _by_id(service_id)
    _only_compute(service)
    values = {}
    if 'status' in body:
        values['disabled'] = body['status'] == 'disabled'
        values['disabled_reason'] = body.get('disabled_reason')
    if 'forced_down' in body:
        values['forced_down'] = types.as_bool(body['forced_down'])
    return flask.jsonify({'service': _view(db_services.update(
        service['id'], values))})


def _legacy_update(action):
    if action not in schemas.LEGACY or (
            action == 'force-down' and not request.version().matches(
                '2.11')):
        raise exception.NotFound('Unknown action %s' % action)
    body = validation.body(schemas.LEGACY[action])
    matches = db_services.get_all(binary=body['binary'], host=body['host'])
    if not matches:
        raise exception.ServiceNotFound(service_id='%s on %s' % (
            body['binary'], body['host']))
    service = matches[0]
    _only_compute(service)
    if action == 'force-down':
        forced = types.as_bool(body['forced_down'])
        db_services.update(service['id'], {'forced_down': forced})
        return flask.jsonify({'service': {
            'host': service['host'], 'binary': service['binary'],
            'forced_down': forced}})
    disabled = action != 'enable'
    values = {'disabled': disabled,
              'disabled_reason': body.get('disabled_reason')}
    db_services.update(service['id'], values)
    shown = {'host': service['host'], 'binary': service['binary'],
             'status': 'disabled' if disabled else 'enabled'}
    if action == 'disable-log-reason':
        shown['disabled_reason'] = body['disabled_reason']
    return flask.jsonify({'service': shown})


@bp.delete('/os-services/<service_id>')
@validation.schema()
def delete(service_id):
    policy.authorize(request.context(), 'os_compute_api:os-services:delete')
    db_services.destroy(_by_id(service_id))
    return '', 204
