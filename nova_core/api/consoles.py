"""Console URLs: ask the guest's compute host where its console listens,
issue a token for it, answer the proxy's URL with the token.

In Nova the compute service writes the token row. A nova-core compute
host has no database (see the architecture), and a token is only worth
anything to a proxy that reads the same database, so the API, which
holds the database, issues it after the compute answered: the compute
is still the only one that knows where the guest's console listens.
"""
import urllib.parse

from nova_core import exception
from nova_core.db import console_auth_tokens
from nova_core.states import task_states as ts

#: console type -> (config group, option) of the URL base clients get.
URL_BASES = {'serial': ('serial_console', 'base_url'),
             'novnc': ('vnc', 'novncproxy_base_url')}
#: Task states during which Nova refuses a console.
REFUSED_TASKS = (ts.DELETING, 'migrating')


def access_url(base, console_type, token):
    """As Nova's: noVNC (1.1+) takes its token inside the ``path`` query
    parameter; the others a ``token`` parameter."""
    if console_type != 'novnc':
        return '%s?token=%s' % (base, token)
    parts = urllib.parse.urlparse(base)
    query = urllib.parse.parse_qs(parts.query)
    query['path'] = '%s?token=%s' % (query.get('path', [''])[0], token)
    return parts._replace(
        query=urllib.parse.urlencode(query, doseq=True)).geturl()


def check_state(instance, protocol):
    """:raises: InstanceNotReady (no host yet), InstanceInvalidState."""
    if instance['host'] is None:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    if instance['task_state'] in REFUSED_TASKS:
        raise exception.InstanceInvalidState(
            action='get_%s_console' % protocol,
            instance_uuid=instance['uuid'], attr='task_state',
            state=instance['task_state'])


def console_url(conf, ctx, api, instance, protocol, console_type):
    """The URL of the guest's console of ``protocol``/``console_type``.

    :raises: the compute's (see :mod:`nova_core.compute.consoles`),
        InstanceNotReady, InstanceInvalidState.
    """
    check_state(instance, protocol)
    info = api.compute.get_remote_console(ctx, instance, protocol,
                                          console_type)
    token = console_auth_tokens.create(info, instance['uuid'],
                                       conf.consoleauth.token_ttl)
    group, option = URL_BASES[console_type]
    return access_url(conf[group][option], console_type, token)
