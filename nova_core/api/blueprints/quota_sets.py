"""``/os-quota-sets/{project_id}``: a project's limits, their usage, the
defaults, and (admins) changing them.

With ``?user_id=`` each acts on one user's quotas within the project, as
Nova's: a read shows the user's limits (their own, else the project's)
and ``detail`` the user's usage; a ``PUT`` sets limits of the user's own,
each between what the user uses and what the project has not yet given
to its other users (unless ``force``); a ``DELETE`` forgets them. A
project's ``DELETE`` forgets its users' limits too. The set of resources
shown follows the microversion: 2.36 drops nova-network's, 2.57 the
injected files'.
"""
import flask

from nova_core import exception, policy, quota
from nova_core.api import quota_ranges, request, validation
from nova_core.api.schemas import quotas as schemas
from nova_core.api.schemas import types
from nova_core.db import quotas as db_quotas
from nova_core.policies import quota_sets as qs_policies

bp = flask.Blueprint('quota_sets', __name__)


def shown(version):
    """The resources a quota set shows at ``version``."""
    names = list(schemas.BASE_RESOURCES)
    if not version.matches('2.57'):
        names += schemas.INJECTED_RESOURCES
    if not version.matches('2.36'):
        names += quota.NETWORK_RESOURCES
    return names


def _format(project_id, values, version):
    result = {'id': str(project_id)} if project_id else {}
    result.update((r, values[r]) for r in shown(version))
    return {'quota_set': result}


def _authorize(action, project_id):
    context = request.context()
    policy.authorize(context, qs_policies.POLICY_ROOT % action,
                     {'project_id': project_id})
    return context


def _user_id():
    """``?user_id=``, None when absent or blank (as Nova's parse_qs)."""
    params = validation.query()
    return validation.single(params, 'user_id') or None


@bp.get('/os-quota-sets/<project_id>')
@validation.schema(query=schemas.query)
def show(project_id):
    _authorize('show', project_id)
    return flask.jsonify(_format(project_id, quota.get_limits(
        project_id, _user_id()), request.version()))


@bp.get('/os-quota-sets/<project_id>/detail')
@validation.schema(query=schemas.query)
def detail(project_id):
    """Limits with ``in_use`` (live counts) and ``reserved`` (always 0:
    usage is counted, nothing is reserved)."""
    _authorize('detail', project_id)
    user_id = _user_id()
    limits = quota.get_limits(project_id, user_id)
    usages = quota.get_usages(project_id, user_id=user_id,
                              per_user=bool(user_id))
    values = {r: {'in_use': usages.get(r, 0), 'limit': limit, 'reserved': 0}
              for r, limit in limits.items()}
    return flask.jsonify(_format(project_id, values, request.version()))


@bp.get('/os-quota-sets/<project_id>/defaults')
@validation.schema()
def defaults(project_id):
    _authorize('defaults', project_id)
    return flask.jsonify(_format(project_id, quota.get_defaults(),
                                 request.version()))


@bp.put('/os-quota-sets/<project_id>')
@validation.schema(body=schemas.update, query=schemas.query)
def update(project_id):
    """Set limits; without ``force`` none may go below what is in use.
    All are checked before any is written."""
    _authorize('update', project_id)
    version = request.version()
    user_id = _user_id()
    body = validation.body()['quota_set']
    if 'networks' in body:
        raise exception.ValidationError(
            detail='The networks quota is disabled')
    force = types.as_bool(body.pop('force', False))
    limits = {key: int(value) for key, value in body.items()}
    ranges = ({} if force else quota_ranges.settable(project_id, user_id))
    for key, value in limits.items():
        validate_limit(key, value, *ranges.get(key, (None, None)))
    _store(project_id, user_id, limits)
    return flask.jsonify(_format(None, quota.get_limits(project_id, user_id),
                                 version))


def _store(project_id, user_id, limits):
    """Write the limits: a user's own, but Nova's per-project resources
    (the network ones) in the project's even when given with a user."""
    if not user_id:
        db_quotas.set_project_limits(project_id, limits)
        return
    project = {k: v for k, v in limits.items() if k in quota.PER_PROJECT}
    user = {k: v for k, v in limits.items() if k not in project}
    if project:
        db_quotas.set_project_limits(project_id, project)
    if user:
        db_quotas.set_user_limits(project_id, user_id, user)


def validate_limit(resource, limit, minimum=None, maximum=None):
    """:raises: ValidationError in Nova's words, for a limit under -1 or
    over the largest database integer (strings of digits such as "-5" pass
    the schema's bounds) or, unless they are None, under ``minimum`` or
    over ``maximum`` (-1: unlimited)."""
    if limit < -1:
        raise exception.ValidationError(
            detail='Quota limit %s for %s must be -1 or greater.'
                   % (limit, resource))
    if limit > schemas.MAX_INT:
        raise exception.ValidationError(
            detail='Quota limit %s for %s must be less than or equal to '
                   '%s.' % (limit, resource, schemas.MAX_INT))
    if minimum is not None and limit != -1 and limit < minimum:
        raise exception.ValidationError(
            detail='Quota limit %s for %s must be greater than or equal to '
                   'already used and reserved %s.'
                   % (limit, resource, minimum))
    if maximum is not None and maximum != -1 and not 0 <= limit <= maximum:
        raise exception.ValidationError(
            detail='Quota limit %s for %s must be less than or equal to '
                   '%s.' % (limit, resource, maximum))


@bp.delete('/os-quota-sets/<project_id>')
@validation.schema(query=schemas.query)
def delete(project_id):
    """Back to the defaults (a user: back to the project's): 202, as Nova
    answers."""
    _authorize('delete', project_id)
    user_id = _user_id()
    if user_id:
        db_quotas.destroy_user_limits(project_id, user_id)
    else:
        db_quotas.destroy_project_limits(project_id)
    return '', 202
