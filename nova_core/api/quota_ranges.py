"""The range each limit of ``PUT /os-quota-sets`` may take, as Nova's
``get_settable_quotas`` computes it.

A project's limit may not go under what it uses, nor under what it has
given its users of their own (unless it is unlimited). A user's limit may
not go under what the user uses (instances, cores, ram and server groups;
Nova counts key pairs and group members as 0 here), nor over what the
project has not yet given to its other users: the project's limit, less
every user's own limit, plus this user's current own limit. -1 as a
maximum means no maximum.
"""
from nova_core import quota
from nova_core.db import quotas as db_quotas


def settable(project_id, user_id=None):
    """{resource: (minimum, maximum or None)} for a PUT of ``project_id``'s
    limits, or of ``user_id``'s within it."""
    project, user, own = quota.scoped_limits(project_id, user_id)
    handed = db_quotas.user_limit_sums(project_id)
    if not user_id:
        usages = quota.get_usages(project_id)
        return {r: (max(usages.get(r, 0),
                        handed.get(r, 0) if limit != -1 else 0), None)
                for r, limit in project.items()}
    usages = quota.get_usages(project_id, user_id, per_user=True)
    usages.update(key_pairs=0, server_group_members=0)
    return {r: (usages.get(r, 0), _maximum(
        limit, handed.get(r, 0), user[r] if r in own else 0))
        for r, limit in project.items()}


def _maximum(project_limit, handed, mine):
    """What remains of the project's limit for this user."""
    if project_limit == -1:
        return -1
    return project_limit - handed + (mine if mine > 0 else 0)
