"""Quotas: the limits of a project and their enforcement, as Nova does it.

A project's limit for a resource is its own (``quotas`` table), else the
``default`` quota class's (``quota_classes``), else ``[quota]`` in the
config; -1 is unlimited. Usage is counted live from the database when it
is checked (Nova's count-from-DB model, no reservations):

=====================  ============================================
instances, cores, ram  the project's servers that are not deleted
key_pairs              the key pairs of the *user*
server_groups          the project's server groups
server_group_members   the members of *one* group
metadata_items         not counted: a limit on one server's metadata
=====================  ============================================

A user may have limits of their own in a project (``project_user_quotas``,
set with ``?user_id=``): for that user they replace the project's, and
are checked as Nova checks them, beside the project's:

=====================================  ===================================
instances, cores, ram, server_groups   the project's limit against the
                                       project's usage, and the user's own
                                       limit (if any) against the user's
key_pairs, server_group_members        the user's limit (else the
                                       project's): they are per user
=====================================  ===================================

A user without limits of their own costs nothing more: the project's and
the user's rows are read in one statement, and the user's usage is
counted only where the user has a limit of their own.

Callers check before they record, then (with ``[quota] recheck_quota``)
check again with zero deltas after recording and undo if a concurrent
request took them over: two requests can both pass the first check, but
not both the second. Everything raises a subclass of
:class:`~nova_core.exception.OverQuota` (403) worded as Nova's API words it.
"""
from nova_core import exception
from nova_core.conf import CONF
from nova_core.db import instances as db_instances
from nova_core.db import quotas as db_quotas

#: Every resource with a limit, in the order Nova lists them.
RESOURCES = ('instances', 'cores', 'ram', 'metadata_items', 'injected_files',
             'injected_file_content_bytes', 'injected_file_path_bytes',
             'key_pairs', 'server_groups', 'server_group_members')
#: Quotas of nova-network that the API shows before microversion 2.36
#: (and quota classes before 2.50): unlimited unless set, never counted,
#: since nova-core has no network service (as in Nova since its removal).
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_groups',
                     'security_group_rules')
#: Resources whose usage is counted (the others limit one request).
COUNTED = ('instances', 'cores', 'ram', 'key_pairs', 'server_groups',
           'server_group_members')
_INSTANCE_RESOURCES = ('instances', 'cores', 'ram')
#: Counted for the project and, under a user's own limit, for the user.
_PROJECT_AND_USER = _INSTANCE_RESOURCES + ('server_groups',)
#: Counted (and limited) for one user only.
_USER_ONLY = ('key_pairs', 'server_group_members')
#: Resources Nova keeps per project even when set with a user_id.
PER_PROJECT = ('fixed_ips', 'floating_ips', 'networks')
#: Nova's API messages for resources that are over on their own.
_MESSAGES = {
    'key_pairs': 'Quota exceeded, too many key pairs.',
    'server_groups': 'Quota exceeded, too many server groups.',
    'server_group_members': 'Quota exceeded, too many servers in group',
}


def config_defaults():
    """{resource: limit} as the config sets them (-1 for the network
    resources, which have no option)."""
    limits = {r: getattr(CONF.quota, r) for r in RESOURCES}
    limits.update(dict.fromkeys(NETWORK_RESOURCES, -1))
    return limits


def get_defaults():
    """The limits of a project with none of its own: the ``default``
    quota class over the config."""
    return _overlay(config_defaults(), db_quotas.class_limits('default'))


def get_class_limits(class_name):
    """The limits of a quota class; only ``default`` is read by nova-core,
    other classes show the config defaults overlaid with their rows."""
    limits = config_defaults()
    limits.update((r, v) for r, v in db_quotas.class_limits(
        class_name).items() if r in limits)
    return limits


def _overlay(limits, own):
    return dict(limits, **{r: v for r, v in own.items() if r in limits})


def scoped_limits(project_id, user_id=None):
    """(the project's limits, the user's limits, the resources the user
    has limits of their own for); with no ``user_id`` the user's are the
    project's. One statement for the rows of the default class, the
    project and the user."""
    default, project, user = db_quotas.scoped_limits(project_id, user_id)
    limits = _overlay(_overlay(config_defaults(), default), project)
    return limits, _overlay(limits, user), set(user)


def get_limits(project_id, user_id=None):
    """{resource: limit} of a project, or of one of its users: the user's
    own, else the project's own, else the defaults."""
    return scoped_limits(project_id, user_id)[1]


def get_usages(project_id, user_id=None, group_uuid=None, per_user=False):
    """{resource: in use} of the counted resources.

    ``key_pairs`` are counted for ``user_id`` and ``server_group_members``
    for ``group_uuid``; without them they count 0, as Nova's project view
    shows these per-user and per-group resources. With ``per_user`` the
    instances, cores, ram and server groups are ``user_id``'s alone.
    """
    owner = user_id if per_user else None
    instances, cores, ram = db_quotas.count_instances(project_id, owner)
    return {
        'instances': instances, 'cores': cores, 'ram': ram,
        'key_pairs': db_quotas.count_key_pairs(user_id) if user_id else 0,
        'server_groups': db_quotas.count_server_groups(project_id, owner),
        'server_group_members': (db_quotas.count_group_members(group_uuid)
                                 if group_uuid else 0),
    }


def _count(resources, project_id, user_id, group_uuid, per_user=False):
    """Usage of ``resources``; with ``per_user`` instances, cores, ram and
    server groups are counted for ``user_id`` alone."""
    owner = user_id if per_user else None
    usages = {}
    if set(resources) & set(_INSTANCE_RESOURCES):
        usages.update(zip(_INSTANCE_RESOURCES,
                          db_quotas.count_instances(project_id, owner),
                          strict=True))
    if 'key_pairs' in resources:
        usages['key_pairs'] = db_quotas.count_key_pairs(user_id)
    if 'server_groups' in resources:
        usages['server_groups'] = db_quotas.count_server_groups(project_id,
                                                                owner)
    if 'server_group_members' in resources:
        if group_uuid is None:
            raise ValueError('server_group_members needs group_uuid')
        usages['server_group_members'] = db_quotas.count_group_members(
            group_uuid)
    return usages


def _over(limits, usages, deltas):
    return [r for r, delta in deltas.items()
            if limits[r] >= 0 and usages[r] + delta > limits[r]]


def _scopes(resources, project_id, user_id, group_uuid=None, scoped=None):
    """Yield (limits, usages) that ``resources`` must fit, lazily: the
    project's (per-user resources under the user's limit), then the
    user's for what they have limits of their own for, counted only if
    the project's fit. ``scoped``: what :func:`scoped_limits` returned
    for them, if the caller read it already."""
    project, user, own = scoped or scoped_limits(project_id, user_id)
    limits = dict(project, **{r: user[r] for r in _USER_ONLY})
    yield limits, _count(resources, project_id, user_id, group_uuid)
    mine = [r for r in resources if r in own and r in _PROJECT_AND_USER]
    if mine:
        yield user, _count(mine, project_id, user_id, group_uuid,
                           per_user=True)


def _first_over(scopes, deltas):
    """(overs, limits, usages) of the first scope ``deltas`` exceed, or
    ([], None, None)."""
    for limits, usages in scopes:
        overs = _over(limits, usages, {r: d for r, d in deltas.items()
                                       if r in usages})
        if overs:
            return overs, limits, usages
    return [], None, None


def check_deltas(context, project_id, user_id, group_uuid=None, **deltas):
    """Check that adding ``deltas`` (``resource=amount``) to what is in use
    stays within the limits; a delta of 0 checks usage as it stands (the
    recheck after recording).

    Callers: resize ``cores=``/``ram=`` (the upsize), key pairs
    ``key_pairs=1`` (counted for ``user_id``), server groups
    ``server_groups=1``, members ``server_group_members=n`` with
    ``group_uuid``. For metadata use :func:`check_metadata_items`, for a
    create :func:`check_instances`.

    :raises: TooManyInstances (403, "Quota exceeded for cores: Requested 2,
        but already used 20 of 20 cores") when instances, cores or ram are
        over; else OverQuota (403) with Nova's message for the resource
        ("Quota exceeded, too many key pairs."). ``exc.kwargs`` carries
        ``overs``, ``quotas`` and ``usages``.
    :raises: ValueError for an unknown or uncounted resource (a bug).
    """
    unknown = set(deltas) - set(COUNTED)
    if unknown:
        raise ValueError('not counted resources: %s' % sorted(unknown))
    overs, limits, usages = _first_over(
        _scopes(deltas, project_id, user_id, group_uuid), deltas)
    if not overs:
        return
    quotas = {r: limits[r] for r in deltas}
    if set(overs) & set(_INSTANCE_RESOURCES):
        overs = [r for r in overs if r in _INSTANCE_RESOURCES]
        raise exception.TooManyInstances(
            overs=', '.join(overs),
            req=', '.join(str(deltas[r]) for r in overs),
            used=', '.join(str(usages[r]) for r in overs),
            allowed=', '.join(str(limits[r]) for r in overs),
            quotas=quotas, usages=usages)
    raise exception.OverQuota(_MESSAGES.get(overs[0]) if len(overs) == 1
                              else None, overs=overs, quotas=quotas,
                              usages=usages)


def check_metadata_items(context, project_id, count, limits=None):
    """Check that one server may carry ``count`` metadata items: the
    resulting total, not a delta, as Nova checks metadata. ``limits``:
    the project's, if the caller read them already.

    :raises: MetadataLimitExceeded (403) "Maximum number of metadata items
        exceeds 128".
    """
    limit = (limits or get_limits(project_id))['metadata_items']
    if 0 <= limit < count:
        raise exception.MetadataLimitExceeded(
            allowed=limit, overs=['metadata_items'],
            quotas={'metadata_items': limit},
            usages={'metadata_items': count})


def _headroom(limits, usages):
    """How much more of each instance resource fits (None: unlimited)."""
    return {r: None if limits[r] < 0 else limits[r] - usages[r]
            for r in _INSTANCE_RESOURCES}


def check_instances(context, project_id, flavor, min_count, max_count,
                    scoped=None):
    """How many servers of ``flavor`` a create may record: ``max_count``
    if they all fit, else as many as fit when that is at least
    ``min_count`` (Nova boots fewer rather than none). ``scoped``: what
    :func:`scoped_limits` returned for the project and the context's
    user, if the caller read it already.

    :returns: the number of servers to create.
    :raises: TooManyInstances (403) worded as Nova's, e.g. "Quota exceeded
        for instances: Requested 3, but already used 9 of 10 instances";
        the request shows as "min-max" when they differ.
    """
    scopes = list(_scopes(_INSTANCE_RESOURCES, project_id,
                          context.user_id, scoped=scoped))
    per = {'instances': 1, 'cores': flavor['vcpus'],
           'ram': flavor['memory_mb']}
    deltas = {r: max_count * per[r] for r in _INSTANCE_RESOURCES}
    overs, limits, usages = _first_over(scopes, deltas)
    if not overs:
        return max_count
    allowed = min((room // per[r] for limits_, usages_ in scopes
                   for r, room in _headroom(limits_, usages_).items()
                   if room is not None and per[r]), default=max_count)
    if allowed > 0 and min_count <= allowed <= max_count:
        return allowed
    requested = dict(deltas, instances=(
        str(min_count) if min_count == max_count
        else '%s-%s' % (min_count, max_count)))
    raise exception.TooManyInstances(
        overs=', '.join(overs),
        req=', '.join(str(requested[r]) for r in overs),
        used=', '.join(str(usages[r]) for r in overs),
        allowed=', '.join(str(limits[r]) for r in overs),
        quotas=limits, usages=usages)


def recheck_instances(context, project_id, flavor, count):
    """After recording ``count`` servers of ``flavor``: raise if the
    project is now over (a concurrent create raced this one), so the
    caller removes what it recorded. Nothing when ``[quota]
    recheck_quota`` is off.

    :raises: TooManyInstances, worded as Nova's recheck words it (the
        request, and the limit as "already used").
    """
    if not CONF.quota.recheck_quota:
        return
    overs, limits, usages = _first_over(
        _scopes(_INSTANCE_RESOURCES, project_id, context.user_id),
        dict.fromkeys(_INSTANCE_RESOURCES, 0))
    if not overs:
        return
    requested = {'instances': count, 'cores': count * flavor['vcpus'],
                 'ram': count * flavor['memory_mb']}
    raise exception.TooManyInstances(
        overs=', '.join(overs),
        req=', '.join(str(requested[r]) for r in overs),
        used=', '.join(str(limits[r]) for r in overs),
        allowed=', '.join(str(limits[r]) for r in overs),
        quotas=limits, usages=usages)



# --- server create (called by ServersAPI.create) ----------------------------

def check_create(context, flavor, metadata, min_count, max_count):
    """Check a server create before recording it: its metadata, then the
    instances, cores and RAM of up to ``max_count`` servers.

    :returns: how many servers to record (``max_count``, or fewer but at
        least ``min_count`` when only those fit).
    :raises: MetadataLimitExceeded, TooManyInstances (403).
    """
    scoped = scoped_limits(context.project_id, context.user_id)
    check_metadata_items(context, context.project_id, len(metadata or {}),
                         limits=scoped[0])
    return check_instances(context, context.project_id, flavor, min_count,
                           max_count, scoped=scoped)


def recheck_create(context, flavor, instances):
    """After recording ``instances``: if a concurrent create took the
    project over its limits meanwhile, delete them again and raise, so at
    most the limit's worth of servers survive any race.

    :raises: TooManyInstances (403).
    """
    try:
        recheck_instances(context, context.project_id, flavor,
                          len(instances))
    except exception.TooManyInstances:
        for instance in instances:
            try:
                db_instances.destroy(instance['uuid'])
            except exception.InstanceNotFound:
                pass
        raise
