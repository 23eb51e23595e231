"""``/flavors/{id}/os-extra_specs``: the key/value pairs of a flavor that
drivers and the scheduler read. Reading follows the flavor's visibility;
changing is for admins."""
import flask

from nova_core import exception, policy
from nova_core.api import extra_specs, request, validation
from nova_core.api.blueprints.flavors import visible_flavor
from nova_core.api.schemas import flavors as schemas
from nova_core.db import flavors as db_flavors

bp = flask.Blueprint('flavor_extra_specs', __name__)

RULE = 'os_compute_api:os-flavor-extra-specs:%s'
PATH = '/flavors/<flavor_id>/os-extra_specs'


def _stored(specs):
    """Values as Nova stores them: strings, numbers included."""
    return {k: v if isinstance(v, str) else str(v) for k, v in specs.items()}


@bp.get(PATH)
@validation.schema()
def index(flavor_id):
    ctx = request.context()
    policy.authorize(ctx, RULE % 'index')
    flavor = visible_flavor(ctx, flavor_id)
    return flask.jsonify({'extra_specs': flavor['extra_specs'] or {}})


@bp.post(PATH)
@validation.schema(body=schemas.EXTRA_SPECS_CREATE)
def create(flavor_id):
    ctx = request.context()
    policy.authorize(ctx, RULE % 'create')
    body = validation.body()
    specs = _stored(body['extra_specs'])
    _check_values(specs)
    db_flavors.update_extra_specs(flavor_id, specs)
    return flask.jsonify(body)


@bp.get(PATH + '/<key>')
@validation.schema()
def show(flavor_id, key):
    ctx = request.context()
    policy.authorize(ctx, RULE % 'show')
    specs = visible_flavor(ctx, flavor_id)['extra_specs'] or {}
    if key not in specs:
        raise exception.FlavorExtraSpecsNotFound(flavor_id=flavor_id,
                                                 extra_specs_key=key)
    return flask.jsonify({key: specs[key]})


@bp.put(PATH + '/<key>')
@validation.schema(body=schemas.EXTRA_SPECS_UPDATE)
def update(flavor_id, key):
    ctx = request.context()
    policy.authorize(ctx, RULE % 'update')
    body = validation.body()
    if key not in body:
        raise exception.ValidationError(
            detail='Request body and URI mismatch')
    specs = _stored(body)
    _check_values(specs)
    db_flavors.update_extra_specs(flavor_id, specs)
    return flask.jsonify(body)


@bp.delete(PATH + '/<key>')
@validation.schema()
def delete(flavor_id, key):
    policy.authorize(request.context(), RULE % 'delete')
    db_flavors.update_extra_specs(flavor_id, delete_key=key)
    return '', 200


def _check_values(specs):
    """Numbers pass the schema whatever their length; Nova bounds them as
    strings. From 2.86 known specs are validated."""
    validate = request.version().matches('2.86')
    for name, value in specs.items():
        if len(value) > 255:
            raise exception.ValidationError(
                detail='Invalid input received: extra_specs value has more '
                       'than 255 characters.')
        if validate:
            extra_specs.validate(name, value)
