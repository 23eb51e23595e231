"""Options of the built-in dashboard (``[dashboard]``)."""
from oslo_config import cfg

dashboard_group = cfg.OptGroup('dashboard', title='Dashboard options')

dashboard_opts = [
    cfg.BoolOpt(
        'enabled', default=True,
        help='Whether nova-core-api serves the dashboard at /dashboard/.'),
    cfg.URIOpt(
        'compute_endpoint',
        help='URL of the Compute API the dashboard speaks to, e.g. '
             'http://controller:8774/v2.1. By default the API the browser '
             'reached, i.e. this service\'s own listen address.'),
    cfg.URIOpt(
        'keystone_url',
        help='URL of Keystone (its /v3 root or above) where users sign in '
             'when [api] auth_strategy is keystone. By default '
             '[keystone_authtoken] www_authenticate_uri.'),
    cfg.IntOpt(
        'session_timeout', default=3600, min=60,
        help='Seconds a dashboard session lasts without use before the '
             'user has to sign in again.'),
    cfg.IntOpt(
        'page_size', default=20, min=1, max=1000,
        help='Instances shown per page of the instances table.'),
    cfg.IntOpt(
        'request_timeout', default=30, min=1,
        help='Seconds the dashboard waits for an answer of the APIs.'),
]


def register_opts(conf):
    conf.register_group(dashboard_group)
    conf.register_opts(dashboard_opts, group=dashboard_group)


def list_opts():
    return {dashboard_group: dashboard_opts}
