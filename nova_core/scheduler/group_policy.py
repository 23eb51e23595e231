"""Server group policies in host selection: filters for the hard policies
and a weight for the soft ones, after Nova's ``affinity_filter`` and
``weights/affinity``.

The group comes from the database, from the membership of the instance
being placed (``spec['instance_uuid']``), so every path that selects a
host (build, resize, ...) honours it without carrying it along. It is
stored in the spec as ``instance_group``: ``{'uuid', 'policy', 'rules',
'hosts': {host: other members there}}``, or None.
"""
from nova_core.db import server_groups as db_groups

AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'
SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'
POLICIES = (ANTI_AFFINITY, AFFINITY, SOFT_ANTI_AFFINITY, SOFT_AFFINITY)


def with_group(spec, lock=False):
    """``spec`` with ``instance_group`` filled in from the database.

    ``lock``: called inside the transaction that will claim the host, lock
    the group so that concurrent claims of its members serialize (see
    :func:`nova_core.db.server_groups.placement_of`). Then what the
    filters saw still holds when the claim commits.
    """
    if 'instance_group' in spec and not lock:
        return spec
    uuid = spec.get('instance_uuid')
    group = db_groups.placement_of(uuid, lock=lock) if uuid else None
    return dict(spec, instance_group=group)


def _group(spec, policy):
    group = spec.get('instance_group')
    return group if group and group['policy'] == policy else None


def affinity_filter(node, spec, conf):
    """Affinity: once a member is placed, every other goes to its host."""
    group = _group(spec, AFFINITY)
    if group is None or not group['hosts']:
        return True
    return node['host'] in group['hosts']


def anti_affinity_filter(node, spec, conf):
    """Anti-affinity: fewer than ``max_server_per_host`` (2.64 rules,
    default 1) other members on the host."""
    group = _group(spec, ANTI_AFFINITY)
    if group is None:
        return True
    limit = int(group['rules'].get('max_server_per_host') or 1)
    return group['hosts'].get(node['host'], 0) < limit


def soft_weight(node, spec):
    """How much the soft policies want ``node``: the number of members on
    it for soft-affinity, its negation for soft-anti-affinity, else 0."""
    group = spec.get('instance_group')
    if not group or group['policy'] not in (SOFT_AFFINITY,
                                            SOFT_ANTI_AFFINITY):
        return 0
    count = group['hosts'].get(node['host'], 0)
    return count if group['policy'] == SOFT_AFFINITY else -count
