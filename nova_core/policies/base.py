"""The personas Nova's default policies are written in."""
from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
PROJECT_READER = 'role:reader and project_id:%(project_id)s'
PROJECT_MEMBER_OR_ADMIN = 'rule:context_is_admin or (%s)' % PROJECT_MEMBER
PROJECT_READER_OR_ADMIN = 'rule:context_is_admin or (%s)' % PROJECT_READER
#: What other OpenStack services do on their users' behalf (Nova's
#: SERVICE_ROLE).
SERVICE_OR_ADMIN = 'rule:service_or_admin'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Decides what an administrator is.'),
    policy.RuleDefault('service_or_admin', 'role:admin or role:service',
                       'Decides what a service (or an administrator) is.'),
]


def rule(name, check, description, method, path):
    """The documented default of one API operation."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}])


def server_action(name, check, description, action):
    """The documented default of a server action (the body key
    ``action`` of ``POST /servers/{server_id}/action``)."""
    return rule(name, check, description, 'POST',
                '/servers/{server_id}/action (%s)' % action)


def list_rules():
    return rules
