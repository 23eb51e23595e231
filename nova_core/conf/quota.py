"""Options of quotas (``[quota]``): the default limits of every project.

A limit set for a project (``PUT /os-quota-sets/{project_id}``) or for the
``default`` quota class (``PUT /os-quota-class-sets/default``) overrides
these; -1 means unlimited. Names and defaults are Nova's.
"""
from oslo_config import cfg

quota_group = cfg.OptGroup('quota', title='Quota options', help="""
Quota limits: how many resources one project may use. Usage is counted from
the database when it is checked, as Nova counts it; there are no
reservations.""")

quota_opts = [
    cfg.IntOpt('instances', default=10, min=-1,
               help='Servers a project may have. -1 for unlimited.'),
    cfg.IntOpt('cores', default=20, min=-1,
               help='Virtual CPUs the servers of a project may have in '
                    'total. -1 for unlimited.'),
    cfg.IntOpt('ram', default=50 * 1024, min=-1,
               help='Megabytes of RAM the servers of a project may have '
                    'in total. -1 for unlimited.'),
    cfg.IntOpt('metadata_items', default=128, min=-1,
               help='Metadata items one server may carry. -1 for '
                    'unlimited.'),
    cfg.IntOpt('injected_files', default=5, min=-1,
               help='Injected files per server, shown by the quota API '
                    'before microversion 2.57. nova-core refuses '
                    'personality files, so it never counts them.'),
    cfg.IntOpt('injected_file_content_bytes', default=10 * 1024, min=-1,
               help='Bytes of one injected file, shown by the quota API '
                    'before microversion 2.57.'),
    cfg.IntOpt('injected_file_path_bytes', default=255, min=-1,
               help='Length of an injected file\'s path, shown by the '
                    'quota API before microversion 2.57.'),
    cfg.IntOpt('key_pairs', default=100, min=-1,
               help='Key pairs one user may have. -1 for unlimited.'),
    cfg.IntOpt('server_groups', default=10, min=-1,
               help='Server groups a project may have. -1 for unlimited.'),
    cfg.IntOpt('server_group_members', default=10, min=-1,
               help='Servers one server group may hold. -1 for '
                    'unlimited.'),
    cfg.BoolOpt('recheck_quota', default=True,
                help='Count usage again after recording new resources and '
                     'undo the request if it went over the limit, so that '
                     'concurrent requests cannot together exceed a quota. '
                     'Without it, a race may leave a project over its '
                     'limit, but each request counts once less.'),
]


def register_opts(conf):
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return {quota_group: quota_opts}
