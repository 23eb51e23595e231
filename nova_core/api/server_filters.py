"""The query string of ``GET /servers`` turned into database filters.

Which filters a non-admin may use follows Nova: others are ignored for
them, except ``all_tenants``, which is refused (403).
"""
import datetime

import re2
from oslo_utils import strutils

from nova_core import exception, policy
from nova_core.api import status, validation
from nova_core.api.schemas import types
from nova_core.api.validation import page_limit, single

#: Query parameter -> instance column, matched exactly.
_EXACT = {
    'reservation_id': 'reservation_id', 'user_id': 'user_id',
    'hostname': 'hostname', 'key_name': 'key_name', 'uuid': 'uuid',
    'vm_state': 'vm_state', 'task_state': 'task_state', 'node': 'node',
    'power_state': 'power_state', 'availability_zone': 'availability_zone',
    'launch_index': 'launch_index', 'config_drive': 'config_drive',
    'access_ip_v4': 'access_ip_v4', 'access_ip_v6': 'access_ip_v6',
    'progress': 'progress', 'locked_by': 'locked_by',
}
_INTEGER = ('power_state', 'launch_index', 'progress')
_USER_EXACT = ('reservation_id',)
_USER_EXACT_2_83 = ('user_id', 'key_name', 'vm_state', 'task_state',
                    'power_state', 'availability_zone', 'config_drive',
                    'progress')

#: API sort key -> column; keys whose value is the same for every server
#: here (no kernels, ramdisks, disk config) sort nothing and are dropped.
_SORT_COLUMNS = {
    'display_name': 'display_name', 'display_description':
    'display_description', 'created_at': 'created_at', 'updated_at':
    'updated_at', 'uuid': 'uuid', 'vm_state': 'vm_state', 'task_state':
    'task_state', 'power_state': 'power_state', 'host': 'host', 'node':
    'node', 'launched_at': 'launched_at', 'terminated_at': 'terminated_at',
    'hostname': 'hostname', 'availability_zone': 'availability_zone',
    'instance_type_id': 'flavor_id', 'image_ref': 'image_ref', 'key_name':
    'key_name', 'locked': 'locked', 'locked_by': 'locked_by', 'project_id':
    'project_id', 'user_id': 'user_id', 'launch_index': 'launch_index',
    'progress': 'progress', 'access_ip_v4': 'access_ip_v4',
    'access_ip_v6': 'access_ip_v6', 'config_drive': 'config_drive',
}
_ADMIN_SORT_ONLY = ('host', 'node')
#: A server holds at most 50 tags of 60 characters (Nova's limits), so
#: a tag filter needs no more.
MAX_TAGS, MAX_TAG_LENGTH = 50, 60


class ListArgs:
    """filters, sort keys and directions, limit and marker of a list."""

    def __init__(self, filters, sort_keys, sort_dirs, limit, marker,
                 matches_nothing=False):
        self.filters, self.sort_keys, self.sort_dirs = (filters, sort_keys,
                                                        sort_dirs)
        self.limit, self.marker = limit, marker
        self.matches_nothing = matches_nothing
        #: IP version -> pattern of the ``ip``/``ip6`` filters, resolved
        #: to servers by :func:`restrict_to_addresses`.
        self.ip_patterns = {}

    def restrict_to_addresses(self, matching):
        """Narrow the list to the servers ``matching(pattern, version)``
        (a set of uuids) names for each IP filter."""
        uuids = None
        for version, pattern in self.ip_patterns.items():
            found = matching(pattern, version)
            uuids = found if uuids is None else uuids & found
        if uuids is None:
            return
        if self.filters.get('uuids') is not None:
            uuids &= set(self.filters['uuids'])
        self.filters['uuids'] = sorted(uuids)
        self.matches_nothing = self.matches_nothing or not uuids


def parse(params, context, version, max_limit, detail=False):
    """:raises: ValidationError (400) or Forbidden (403)."""
    filters, nothing = {}, False
    admin = context.is_admin
    if _all_tenants(params):
        policy.authorize(context, 'os_compute_api:servers:%s:get_all_tenants'
                         % ('detail' if detail else 'index'))
        project = single(params, 'project_id') or single(params, 'tenant_id')
        if project:
            filters['project_id'] = project
    else:
        filters['project_id'] = context.project_id
    allowed = set(_USER_EXACT)
    if version.matches('2.83'):
        allowed.update(_USER_EXACT_2_83)
    exact = {}
    for param, column in _EXACT.items():
        value = single(params, param)
        if value is None or not (admin or param in allowed):
            continue
        if param in _INTEGER:
            if validation.INTEGER_TEXT.fullmatch(value) is None:
                return _empty(params, max_limit)  # no server has such
            value = validation.to_int(value, param, -validation.MAX_INT)
        exact[column] = value
    if exact:
        filters['exact'] = exact
    if admin and single(params, 'host') is not None:
        filters['host'] = single(params, 'host')
    for param in ('name', 'display_name'):
        if single(params, param) is not None:
            filters['name_regex'] = _regex(single(params, param))
    if params.get('status'):
        nothing = _status_filter(params['status'], filters)
    if single(params, 'flavor') is not None:
        filters['flavor_id'] = single(params, 'flavor')
    if single(params, 'image') is not None:
        filters['image_ref'] = single(params, 'image')
    ip_patterns = _ip_patterns(params, admin, version)
    _time_filters(params, filters, version)
    _tag_filters(params, filters, version)
    if version.matches('2.73') and single(params, 'locked') is not None:
        exact = filters.setdefault('exact', {})
        exact['locked'] = _strict_bool(single(params, 'locked'))
    if admin and types.as_bool(single(params, 'deleted', 'false')):
        filters['deleted'] = True
    if not filters.get('deleted') and \
            'soft-delete' not in filters.get('vm_states', ()):
        # As Nova's database API: soft-deleted servers are listed only
        # when asked for by status (or with the deleted ones).
        filters['soft_deleted'] = False
    keys, dirs = _sort(params, admin)
    limit = page_limit(params, max_limit, max_limit)
    args = ListArgs(filters, keys, dirs, limit, single(params, 'marker'),
                    nothing)
    args.ip_patterns = ip_patterns
    return args


def _ip_patterns(params, admin, version):
    """IP version -> the RE2 pattern its addresses must match (``ip``
    and, for non-admins from 2.5, ``ip6``), as Nova's regex match from the
    address's start."""
    patterns = {}
    if single(params, 'ip') is not None:
        patterns[4] = _regex(single(params, 'ip'))
    if single(params, 'ip6') is not None and (admin or
                                              version.matches('2.5')):
        patterns[6] = _regex(single(params, 'ip6'))
    return patterns


def _strict_bool(value):
    """Nova's ``bool_from_string(strict=True)``: anything else is 400."""
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError as exc:
        raise exception.ValidationError(detail=str(exc))


def _empty(params, max_limit):
    return ListArgs({}, ['created_at', 'id'], ['desc', 'desc'],
                    page_limit(params, max_limit, max_limit), None,
                    matches_nothing=True)


def _all_tenants(params):
    if 'all_tenants' not in params:
        return False
    value = single(params, 'all_tenants')
    if value == '' or value in types.true_strings():
        return True
    falsy = {'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No',
             'no', 'n', 'f'}
    if value in falsy:
        return False
    raise exception.ValidationError(
        detail="Unrecognized value '%s', acceptable values are: '0', '1', "
               "'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', "
               "'yes'" % value)


#: RE2's memory budget for one compiled ``name`` pattern: enough for any
#: pattern a user types, too little for one built to exhaust the API.
REGEX_MAX_MEM = 1 << 20


def _regex_options():
    options = re2.Options()
    options.max_mem = REGEX_MAX_MEM
    options.log_errors = False
    return options


def _regex(text):
    """The ``name`` filter compiled by RE2, which matches in time linear in
    the name (no backtracking), unlike Python's ``re``.

    :raises: ValidationError for patterns RE2 does not take: bad syntax,
        backreferences, lookarounds, or over :data:`REGEX_MAX_MEM`.
    """
    try:
        return re2.compile(text, _regex_options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode('utf-8', 'replace')
        shown = text if len(text) <= 100 else text[:100] + '...'
        raise exception.ValidationError(
            detail='Invalid regular expression %r: %s' % (
                shown, reason.replace(text, shown)))


def _status_filter(values, filters):
    vm, tasks = set(), set()
    for value in values:
        more_vm, more_tasks = status.states_for(value)
        vm |= more_vm
        tasks |= more_tasks
    if not vm:
        return True
    filters['vm_states'] = sorted(vm)
    filters['task_states'] = list(tasks)
    if 'deleted' in vm:
        filters['deleted'] = True
    return False


def parse_time(value, name):
    """A naive UTC datetime from an ISO 8601 query parameter.

    :raises: ValidationError (400), also for a time whose conversion to
        UTC leaves the years 1 to 9999 (``0001-01-01T00:00:00+05:00``).
    """
    shown = value if len(value) <= 64 else value[:64] + '...'
    try:
        parsed = datetime.datetime.fromisoformat(value.replace('Z',
                                                               '+00:00'))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.timezone.utc).replace(
                tzinfo=None)
    except OverflowError:
        raise exception.ValidationError(
            detail="Invalid input for query parameters %s. Value: %s. '%s' "
                   "is out of the range of times in UTC" % (name, shown,
                                                            shown))
    except ValueError:
        raise exception.ValidationError(
            detail="Invalid input for query parameters %s. Value: %s. '%s' "
                   "is not a 'date-time'" % (name, shown, shown))
    return parsed


def _time_filters(params, filters, version):
    since = single(params, 'changes-since')
    before = (single(params, 'changes-before')
              if version.matches('2.66') else None)
    if since is not None:
        filters['changes_since'] = parse_time(since, 'changes-since')
        filters['deleted'] = True  # Nova lists deleted servers too
    if before is not None:
        filters['changes_before'] = parse_time(before, 'changes-before')
        filters['deleted'] = True
    if since and before and filters['changes_before'] < \
            filters['changes_since']:
        raise exception.ValidationError(
            detail='The value of changes-since must be less than or equal '
                   'to changes-before.')


def _tag_filters(params, filters, version):
    if not version.matches('2.26'):
        return
    for param, key in (('tags', 'tags'), ('tags-any', 'tags_any'),
                       ('not-tags', 'not_tags'),
                       ('not-tags-any', 'not_tags_any')):
        if single(params, param):
            filters[key] = validation.bounded_list(
                single(params, param), param, MAX_TAGS, MAX_TAG_LENGTH)


def _sort(params, admin):
    keys = params.get('sort_key') or []
    dirs = params.get('sort_dir') or []
    columns, directions = [], []
    for index, key in enumerate(keys):
        direction = dirs[index] if index < len(dirs) else 'desc'
        if key in _ADMIN_SORT_ONLY and not admin:
            continue
        if key in _SORT_COLUMNS and _SORT_COLUMNS[key] not in columns:
            # A repeated key orders nothing more: once is enough.
            columns.append(_SORT_COLUMNS[key])
            directions.append(direction)
    if not columns:
        columns, directions = ['created_at'], [dirs[0] if dirs else 'desc']
    columns.append('id')
    directions.append(directions[-1])
    return columns, directions


