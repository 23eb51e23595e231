"""Default policies of ``/limits``: anyone sees their own project's,
administrators any project's (``?tenant_id=``)."""
from nova_core.policies import base

BASE_POLICY_NAME = 'os_compute_api:limits'
OTHER_PROJECT_LIMIT_POLICY_NAME = 'os_compute_api:limits:other_project'

rules = [
    base.rule(BASE_POLICY_NAME, '@',
              'Show the rate and absolute limits of the current project.',
              'GET', '/limits'),
    base.rule(OTHER_PROJECT_LIMIT_POLICY_NAME, base.ADMIN,
              'Show the limits of another project.', 'GET', '/limits'),
]


def list_rules():
    return rules
