"""``/flavors/{id}/os-flavor-access`` and the flavor actions
``addTenantAccess`` / ``removeTenantAccess`` (admins): which projects may
see and boot a private flavor."""
import flask

from nova_core import exception, policy
from nova_core.api import request, validation
from nova_core.api.schemas import flavors as schemas
from nova_core.db import flavor_access as db_access
from nova_core.db import flavors as db_flavors

bp = flask.Blueprint('flavor_access', __name__)

RULE = 'os_compute_api:os-flavor-access'
_ACTIONS = {
    'addTenantAccess': (RULE + ':add_tenant_access',
                        schemas.ADD_TENANT_ACCESS),
    'removeTenantAccess': (RULE + ':remove_tenant_access',
                           schemas.REMOVE_TENANT_ACCESS),
}
ACTION_BODY = {'type': 'object', 'minProperties': 1, 'maxProperties': 1,
               'oneOf': [schema for _, schema in _ACTIONS.values()]}


def _access_view(flavorid, projects):
    return flask.jsonify({'flavor_access': [
        {'flavor_id': flavorid, 'tenant_id': p} for p in projects]})


@bp.get('/flavors/<flavor_id>/os-flavor-access')
@validation.schema()
def index(flavor_id):
    policy.authorize(request.context(), RULE)
    flavor = db_flavors.get(flavor_id)
    if flavor['is_public']:
        raise exception.NotFound(
            'Access list not available for public flavors.')
    return _access_view(flavor['flavorid'],
                        db_access.get_projects(flavor_id))


@bp.post('/flavors/<flavor_id>/action')
@validation.schema(body=ACTION_BODY)
def action(flavor_id):
    ctx = request.context()
    document = validation.body({'type': 'object', 'minProperties': 1,
                                'maxProperties': 1})
    name = next(iter(document))
    if name not in _ACTIONS:
        raise exception.ValidationError(detail='There is no such action: %s'
                                        % name)
    rule, schema = _ACTIONS[name]
    validation.check(schema, document)
    policy.authorize(ctx, rule)
    tenant = document[name]['tenant']
    flavor = db_flavors.get(flavor_id)
    if name == 'addTenantAccess':
        if flavor['is_public'] and request.version().matches('2.7'):
            raise exception.Conflict('Can not add access to a public '
                                     'flavor.')
        projects = db_access.add(flavor['flavorid'], tenant)
    else:
        projects = db_access.remove(flavor['flavorid'], tenant)
    return _access_view(flavor['flavorid'], projects)
