"""``addSecurityGroup`` and ``removeSecurityGroup``.

nova-core has no networking service, so the one security group there is
is ``default``, which a server is in unless it was removed from it. The
membership is kept in the server's system metadata (``security_groups``,
a list of names; absent means ``['default']``). Errors as Nova's: an
unknown group is 404, adding a group the server is in or removing one it
is not in is 400.
"""
from nova_core import exception
from nova_core.api.actions.base import Action
from nova_core.db import instances as db_instances
from nova_core.policies.security_groups import POLICY_ROOT

#: The only security group without a networking service.
DEFAULT = 'default'

_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255}


def _schema(action):
    return {'type': 'object', 'required': [action],
            'properties': {action: {
                'type': 'object', 'required': ['name'],
                'properties': {'name': _NAME},
                'additionalProperties': False}},
            'additionalProperties': False}


def names(instance):
    """The security groups ``instance`` is in."""
    return list((instance['system_metadata'] or {}).get(
        'security_groups', [DEFAULT]))


def _change(instance, name, add):
    if name != DEFAULT:
        raise exception.NotFound('Security group %s not found.' % name)
    current = names(instance)
    if add and name in current:
        raise exception.ValidationError(
            detail='Security group %s is already associated with the '
                   'instance %s' % (name, instance['uuid']))
    if not add and name not in current:
        raise exception.ValidationError(
            detail='Security group %s not associated with the instance %s'
                   % (name, instance['uuid']))
    new = current + [name] if add else [n for n in current if n != name]
    system_metadata = dict(instance['system_metadata'] or {},
                           security_groups=new)
    db_instances.update(instance['uuid'],
                        {'system_metadata': system_metadata})


def _add(ctx, api, instance, body):
    _change(instance, body['addSecurityGroup']['name'], add=True)


def _remove(ctx, api, instance, body):
    _change(instance, body['removeSecurityGroup']['name'], add=False)


ACTIONS = {
    'addSecurityGroup': Action(POLICY_ROOT % 'add',
                               _schema('addSecurityGroup'), _add),
    'removeSecurityGroup': Action(POLICY_ROOT % 'remove',
                                  _schema('removeSecurityGroup'), _remove),
}
