"""The ``group`` scheduler hint of a server create: the group must be the
caller's (any, for admins) and have room under ``server_group_members``;
the new servers join it in the transaction that records them
(:func:`nova_core.db.instances.create`), before their build is cast, so
the scheduler finds the group from their membership."""
from nova_core import exception, quota
from nova_core.db import server_groups as db_groups


def requested_group(context, hints, count):
    """The group named by ``hints``, or None.

    :raises: ValidationError (400) "Instance group ... could not be
        found." as Nova answers for a group of another project;
        OverQuota (403) "Quota exceeded, too many servers in group".
    """
    group_uuid = (hints or {}).get('group')
    if not group_uuid:
        return None
    try:
        group = db_groups.get(group_uuid, None if context.is_admin
                              else context.project_id)
    except exception.InstanceGroupNotFound as exc:
        raise exception.ValidationError(detail=exc.format_message())
    quota.check_deltas(context, group['project_id'], context.user_id,
                       group_uuid=group['uuid'], server_group_members=count)
    return group

