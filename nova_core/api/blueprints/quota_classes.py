"""``/os-quota-class-sets/{class}``: the limits of a quota class; the
class ``default`` holds what projects without their own limits get
(administrators only).

The resources shown follow Nova's microversions: before 2.50 the v2.1 set
without the server group ones (Nova's omission) and with nova-network's,
from 2.50 the server groups and no network ones, from 2.57 no injected
files.
"""
import flask

from nova_core import exception, policy, quota
from nova_core.api import request, validation
from nova_core.api.blueprints import quota_sets
from nova_core.api.schemas import quotas as schemas
from nova_core.db import quotas as db_quotas
from nova_core.policies import quota_class_sets as qcs_policies

bp = flask.Blueprint('quota_classes', __name__)


def shown(version):
    if not version.matches('2.50'):
        return [r for r in schemas.BASE_RESOURCES
                if not r.startswith('server_group')
                ] + list(schemas.INJECTED_RESOURCES + quota.NETWORK_RESOURCES)
    names = list(schemas.BASE_RESOURCES)
    if not version.matches('2.57'):
        names += schemas.INJECTED_RESOURCES
    return names


def _format(class_name, values, version):
    result = {'id': class_name} if class_name else {}
    result.update((r, values[r]) for r in shown(version))
    return {'quota_class_set': result}


def _check_name(class_name):
    if not 1 <= len(class_name) <= 255:
        raise exception.ValidationError(
            detail='quota_class_name has a length of %d: it must be '
                   'between 1 and 255 characters.' % len(class_name))


@bp.get('/os-quota-class-sets/<class_name>')
@validation.schema()
def show(class_name):
    policy.authorize(request.context(), qcs_policies.POLICY_ROOT % 'show',
                     {'quota_class': class_name})
    _check_name(class_name)
    return flask.jsonify(_format(class_name,
                                 quota.get_class_limits(class_name),
                                 request.version()))


@bp.put('/os-quota-class-sets/<class_name>')
@validation.schema(body=schemas.class_update)
def update(class_name):
    policy.authorize(request.context(), qcs_policies.POLICY_ROOT % 'update',
                     {'quota_class': class_name})
    _check_name(class_name)
    version = request.version()
    body = validation.body()['quota_class_set']
    if 'networks' in body:
        raise exception.ValidationError(
            detail='The networks quota is disabled')
    limits = {key: int(value) for key, value in body.items()}
    for key, value in limits.items():
        quota_sets.validate_limit(key, value)
    if limits:
        db_quotas.set_class_limits(class_name, limits)
    return flask.jsonify(_format(None, quota.get_class_limits(class_name),
                                 version))
