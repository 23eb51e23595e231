"""Options of the HTTP API service (``[DEFAULT]`` listener, ``[api]``,
``[wsgi]``: how the HTTP server treats slow and idle clients)."""
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
                        'tests and closed networks only.'),
            ('keystone', 'Validate the token with Keystone through '
                         'keystonemiddleware\'s auth_token, configured by '
                         '[keystone_authtoken], as Nova does.')],
        help='How API requests are authenticated.'),
    cfg.BoolOpt(
        'allow_noauth2_on_public_address', default=False,
        help='Whether nova-core-api may serve auth_strategy = noauth2 on a '
             'listen address other than loopback. noauth2 trusts whatever '
             'token it is sent, so anyone who reaches the port is an '
             'administrator; without this option the API refuses to start '
             'that way, and with it the API warns at start.'),
    cfg.IntOpt(
        'max_limit', default=1000, min=1,
        help='Largest number of items a list request returns at once.'),
    cfg.IntOpt(
        'max_servers_per_request', default=1000, min=1, max=100000,
        help='Most servers one create request may ask for (max_count, or '
             'min_count); more gets 400, whatever the quota. It bounds the '
             'work and memory of one request where quotas are unlimited.'),
    cfg.IntOpt(
        'max_request_body_size', default=114688, min=1,
        help='Largest request body in bytes; larger ones get 413.'),
    cfg.IntOpt(
        'wsgi_threads', default=16, min=1,
        help='Threads of the WSGI server that answer requests.'),
    cfg.FloatOpt(
        'rpc_handoff_timeout', default=10.0, min=0.1, max=300,
        help='Seconds the API waits to hand a build to the message broker. '
             'When the broker cannot be reached in that time the request is '
             'answered with 503 and the servers it created are removed, '
             'instead of waiting for the broker forever.'),
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

wsgi_group = cfg.OptGroup(
    'wsgi', title='HTTP server options',
    help='Limits of the HTTP server of nova-core-api and nova-core-all '
         '(waitress), and of the gunicorn workers that serve '
         'nova_core.wsgi.api:application.')

wsgi_opts = [
    cfg.IntOpt(
        'client_socket_timeout', default=60, min=1, max=3600,
        help='Seconds a client may stay silent while the server waits for it: '
             'to send more of its request, or to take more of a response. '
             'After that the connection is closed and the thread serving it '
             'is free again. As Nova\'s option of the same name.'),
    cfg.IntOpt(
        'header_timeout', default=15, min=1, max=600,
        help='Seconds a client has to send the request line and all headers '
             'of a request, counted from the first byte (gunicorn workers). A '
             'request head is read without holding a worker thread.'),
    cfg.IntOpt(
        'keep_alive_timeout', default=5, min=0, max=600,
        help='Seconds an idle kept-alive connection stays open between '
             'requests; 0 closes every connection after its response.'),
    cfg.IntOpt(
        'max_header_line', default=16384, min=1024, max=1048576,
        help='Largest request line or header line in bytes; longer ones get '
             '400 (gunicorn) or 431/400 (waitress). Raise it for large '
             'Keystone tokens. As Nova\'s option of the same name.'),
    cfg.IntOpt(
        'max_header_fields', default=100, min=10, max=32768,
        help='Largest number of header fields in one request.'),
    cfg.IntOpt(
        'connection_limit', default=1000, min=10, max=100000,
        help='Connections one server process (nova-core-all, or one gunicorn '
             'worker) keeps open at once; further clients wait in the listen '
             'backlog. Idle and slow clients count, so keep it well above '
             'the number of threads.'),
]


def register_opts(conf):
    conf.register_opts(listen_opts)
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)
    conf.register_group(wsgi_group)
    conf.register_opts(wsgi_opts, group=wsgi_group)


def list_opts():
    return {'DEFAULT': listen_opts, api_group: api_opts,
            wsgi_group: wsgi_opts}
