"""Options of the image client compute nodes use (``[glance]``).

Compute nodes reach image data over HTTP, through the Glance v2 API that
nova-core-api serves, never through the database.
"""
from oslo_config import cfg

glance_group = cfg.OptGroup('glance', title='Image service options')

glance_opts = [
    cfg.ListOpt(
        'api_servers', default=['http://127.0.0.1:8774/image'],
        help='Base URLs of the image API (the part before "/v2/images"), '
             'e.g. "http://controller:8774/image". Requests go to the '
             'first that answers; the others are tried on connection '
             'errors and server errors.'),
    cfg.IntOpt(
        'num_retries', default=2, min=0,
        help='How many times a failed request is tried again, on the next '
             'server of api_servers.'),
    cfg.BoolOpt(
        'verify_checksum', default=True,
        help='Whether downloaded image data is checked against the image\'s '
             'md5 checksum; a mismatch fails the download.'),
    cfg.IntOpt(
        'timeout', default=60, min=1,
        help='Seconds to wait for the image API to answer or to send more '
             'data.'),
    cfg.IntOpt(
        'progress_log_min_mb', default=64, min=1,
        help='Downloads and uploads of at least this many MiB log their '
             'progress.'),
    cfg.StrOpt(
        'cafile',
        help='CA bundle that verifies the image API\'s TLS certificate; '
             'by default the system\'s.'),
]


def register_opts(conf):
    conf.register_group(glance_group)
    conf.register_opts(glance_opts, group=glance_group)


def list_opts():
    return {glance_group: glance_opts}
