"""Options of the HTTP API service (``[DEFAULT]`` listener, ``[api]``)."""
from oslo_config import cfg

listen_opts = [
    cfg.HostAddressOpt(
        'osapi_compute_listen', default='127.0.0.1',
        help='Address nova-core-api listens on.'),
    cfg.PortOpt(
        'osapi_compute_listen_port', default=8774,
        help='Port nova-core-api listens on.'),
]

api_group = cfg.OptGroup('api', title='API options')

api_opts = [
    cfg.StrOpt(
        'auth_strategy', default='noauth2', choices=[
            ('noauth2', 'Trust the token "user:project" as Nova\'s noauth2 '
                        'does; the user "admin" is an administrator. For '
                        'tests and closed networks only.')],
        help='How API requests are authenticated.'),
    cfg.IntOpt(
        'max_limit', default=1000, min=1,
        help='Largest number of items a list request returns at once.'),
    cfg.IntOpt(
        'max_request_body_size', default=114688, min=1,
        help='Largest request body in bytes; larger ones get 413.'),
    cfg.IntOpt(
        'wsgi_threads', default=16, min=1,
        help='Threads of the WSGI server that answer requests.'),
    cfg.StrOpt(
        'image_data_path', default='$state_path/images',
        help='Where the built-in image registry keeps image data on the API '
             'host.'),
    cfg.IntOpt(
        'image_size_cap', default=1099511627776, min=1,
        help='Largest image in bytes that may be uploaded (1 TiB, as '
             'Glance\'s image_size_cap).'),
    cfg.URIOpt(
        'compute_link_prefix',
        help='Base URL of the links in responses, for when the API sits '
             'behind a proxy. By default the request\'s own host is used.'),
    cfg.BoolOpt(
        'enable_instance_password', default=True,
        help='Whether the responses of server create and rebuild carry the '
             'administrator password (adminPass), as Nova\'s option.'),
]


def register_opts(conf):
    conf.register_opts(listen_opts)
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return {'DEFAULT': listen_opts, api_group: api_opts}
