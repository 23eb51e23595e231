"""The personas Nova's default policies are written in."""
from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
PROJECT_READER = 'role:reader and project_id:%(project_id)s'
PROJECT_MEMBER_OR_ADMIN = 'rule:context_is_admin or (%s)' % PROJECT_MEMBER
PROJECT_READER_OR_ADMIN = 'rule:context_is_admin or (%s)' % PROJECT_READER

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Decides what an administrator is.'),
]


def list_rules():
    return rules
