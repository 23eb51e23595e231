"""``GET /limits``: the absolute limits and usage of the caller's project,
or (admins, ``?tenant_id=``) of another."""
import flask

from nova_core import policy, quota
from nova_core.api import request, validation
from nova_core.api.schemas import quotas as schemas
from nova_core.api.views import limits as views
from nova_core.policies import limits as limits_policies

bp = flask.Blueprint('limits', __name__)


@bp.get('/limits')
@validation.schema(query=schemas.limits_query)
def index():
    context, version = request.context(), request.version()
    policy.authorize(context, limits_policies.BASE_POLICY_NAME, {})
    params = validation.query()
    project_id = context.project_id
    if 'tenant_id' in params:
        project_id = validation.single(params, 'tenant_id')
        policy.authorize(context,
                         limits_policies.OTHER_PROJECT_LIMIT_POLICY_NAME,
                         {'project_id': project_id})
    return flask.jsonify(views.build(quota.get_limits(project_id),
                                     quota.get_usages(project_id), version))
