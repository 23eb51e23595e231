"""Options of the service user (``[service_user]``), as Nova's.

With ``send_service_user_token`` a service sends its own token
(``X-Service-Token``) beside the caller's when it calls another service on
the caller's behalf. Compute hosts do so when they download image data, so
that a long build does not fail when the caller's token expires on the way:
the image API accepts an expired user token together with a valid token of
a user with the ``service`` role. The credentials are keystoneauth1's
(``auth_type = password``, ``auth_url``, ``username``, ``password``,
``project_name``, ``user_domain_name``, ``project_domain_name``).
"""
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GROUP = 'service_user'

service_user_group = cfg.OptGroup(GROUP, title='Service user options')

service_user_opts = [
    cfg.BoolOpt(
        'send_service_user_token', default=False,
        help='Whether a service sends its own token (X-Service-Token) '
             'beside the caller\'s when it calls another service for the '
             'caller, so that the call succeeds even when the caller\'s '
             'token has expired meanwhile. The other service must accept '
             'service tokens ([keystone_authtoken] service_token_roles).'),
]


def register_opts(conf):
    conf.register_group(service_user_group)
    conf.register_opts(service_user_opts, group=service_user_group)
    ks_loading.register_session_conf_options(conf, GROUP)
    ks_loading.register_auth_conf_options(conf, GROUP)


def list_opts():
    return {service_user_group: (
        service_user_opts +
        ks_loading.get_session_conf_options() +
        ks_loading.get_auth_common_conf_options() +
        ks_loading.get_auth_plugin_conf_options('password'))}
