"""A project's limits as usage bars, and what a launch would add."""

#: (label, limit key, used key, unit) of /limits' absolute limits.
BARS = (('Instances', 'maxTotalInstances', 'totalInstancesUsed', ''),
        ('VCPUs', 'maxTotalCores', 'totalCoresUsed', ''),
        ('RAM', 'maxTotalRAMSize', 'totalRAMUsed', 'MB'),
        ('Server Groups', 'maxServerGroups', 'totalServerGroupsUsed', ''))
#: What one server of a flavor adds to each bar.
LAUNCH_COST = {'maxTotalInstances': lambda f: 1,
               'maxTotalCores': lambda f: f['vcpus'],
               'maxTotalRAMSize': lambda f: f['ram']}


def percent(used, limit):
    if limit is None or limit < 0:
        return 0
    if limit == 0:
        return 100
    return min(100, round(100 * used / limit))


def bars(absolute):
    """Each bar: label, used, limit (-1: unlimited), percent, unit, key."""
    result = []
    for label, limit_key, used_key, unit in BARS:
        if limit_key not in absolute:
            continue
        limit, used = absolute[limit_key], absolute.get(used_key, 0)
        result.append({'label': label, 'used': used, 'limit': limit,
                       'percent': percent(used, limit), 'unit': unit,
                       'key': limit_key})
    return result


def over_quota(absolute, flavor, count):
    """The message of the first limit ``count`` servers of ``flavor``
    would pass, or None."""
    for label, limit_key, used_key, unit in BARS:
        if limit_key not in LAUNCH_COST or limit_key not in absolute:
            continue
        limit = absolute[limit_key]
        wanted = LAUNCH_COST[limit_key](flavor) * count
        used = absolute.get(used_key, 0)
        if 0 <= limit < used + wanted:
            return ('Quota exceeded for %s: requested %d%s, %d of %d%s '
                    'already used.' % (label, wanted, unit and ' ' + unit,
                                       used, limit, unit and ' ' + unit))
    return None
