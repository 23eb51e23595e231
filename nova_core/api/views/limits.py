"""The body of ``GET /limits``: a project's absolute limits and usage in
Nova's camelCase names; rate limits are long gone from Nova (``[]``)."""

#: Resource -> the limit names it shows as.
LIMIT_NAMES = {
    'ram': ['maxTotalRAMSize'],
    'instances': ['maxTotalInstances'],
    'cores': ['maxTotalCores'],
    'key_pairs': ['maxTotalKeypairs'],
    'floating_ips': ['maxTotalFloatingIps'],
    'metadata_items': ['maxServerMeta', 'maxImageMeta'],
    'injected_files': ['maxPersonality'],
    'injected_file_content_bytes': ['maxPersonalitySize'],
    'security_groups': ['maxSecurityGroups'],
    'security_group_rules': ['maxSecurityGroupRules'],
    'server_groups': ['maxServerGroups'],
    'server_group_members': ['maxServerGroupMembers'],
}
#: Usage name -> the resource it counts.
USED_NAMES = {
    'totalRAMUsed': 'ram',
    'totalCoresUsed': 'cores',
    'totalInstancesUsed': 'instances',
    'totalFloatingIpsUsed': 'floating_ips',
    'totalSecurityGroupsUsed': 'security_groups',
    'totalServerGroupsUsed': 'server_groups',
}
#: 2.36 drops the network proxies' limits, 2.57 the personality ones.
FILTERED_2_36 = ('floating_ips', 'security_groups', 'security_group_rules')
FILTERED_2_57 = FILTERED_2_36 + ('injected_files',
                                 'injected_file_content_bytes')


def filtered(version):
    if version.matches('2.57'):
        return FILTERED_2_57
    if version.matches('2.36'):
        return FILTERED_2_36
    return ()


def build(limits, usages, version):
    """``limits``/``usages`` are {resource: value} of the project;
    resources without a count (network ones) show 0 used."""
    hidden = filtered(version)
    absolute = {}
    for resource, names in LIMIT_NAMES.items():
        if resource in hidden or resource not in limits:
            continue
        for name in names:
            if name == 'maxImageMeta' and version.matches('2.39'):
                continue  # 2.39 removed the image proxy's limit
            absolute[name] = limits[resource]
    for name, resource in USED_NAMES.items():
        if resource not in hidden:
            absolute[name] = usages.get(resource, 0)
    return {'limits': {'rate': [], 'absolute': absolute}}
