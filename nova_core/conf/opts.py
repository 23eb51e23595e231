"""The ``oslo.config.opts`` entry point: every option nova-core registers."""
from nova_core import conf as nova_conf


def list_opts():
    merged = {}
    for topic in nova_conf.TOPICS:
        for group, opts in topic.list_opts().items():
            merged.setdefault(group, []).extend(opts)
    return [(group, opts) for group, opts in merged.items()]
