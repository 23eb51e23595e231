"""Default policies of ``/os-quota-sets``: members read their own
project's quotas, admins read and change any project's."""
from nova_core.policies import base

POLICY_ROOT = 'os_compute_api:os-quota-sets:%s'
_PATH = '/os-quota-sets/{tenant_id}'


def _rule(name, check, description, method, path=_PATH):
    return base.rule(POLICY_ROOT % name, check, description, method, path)


rules = [
    _rule('update', base.ADMIN, 'Update the quotas of a project.', 'PUT'),
    _rule('defaults', '@', 'List the default quotas.', 'GET',
          _PATH + '/defaults'),
    _rule('show', base.PROJECT_READER_OR_ADMIN,
          'Show the quotas of a project.', 'GET'),
    _rule('delete', base.ADMIN,
          'Revert the quotas of a project to the defaults.', 'DELETE'),
    _rule('detail', base.PROJECT_READER_OR_ADMIN,
          'Show the quotas of a project with their usage.', 'GET',
          _PATH + '/detail'),
]


def list_rules():
    return rules
