"""Options of the networks servers are attached to (``[network]`` and one
``[network_<name>]`` section per network).

nova-core's networking is in the spirit of Nova's former flat DHCP
networks: the operator declares each network here (a name, a CIDR, its
gateway and DNS servers, the bridge or libvirt network its guests join),
and the conductor gives every server one fixed address and one MAC per
network it asked for. As Cinder's ``enabled_backends``, ``[network]
networks`` names the networks and each has a section of its own, so that
a network is one block of settings rather than entries spread over
parallel lists.

The network named ``private`` has defaults (10.0.0.0/24, gateway
10.0.0.1) so that servers have an address with no configuration at all;
every other network must set its ``cidr``.
"""
from oslo_config import cfg

#: The network servers join with no configuration.
DEFAULT_NETWORK = 'private'
DEFAULT_CIDR = '10.0.0.0/24'

network_group = cfg.OptGroup('network', title='Networking options', help="""
The networks servers can be attached to. Each network named in ``networks``
is configured in a section ``[network_<name>]``.""")

network_opts = [
    cfg.ListOpt(
        'networks', default=[DEFAULT_NETWORK],
        help='Names of the networks servers can be attached to, each '
             'configured in its own [network_<name>] section. The first is '
             'the default network: a server created without "networks", '
             'or with "networks": "auto", gets one address on it; one '
             'created with "networks": "none" gets none. Clients name a '
             'network by its id, a UUID derived from its name (uuid5), '
             'which the name alone determines. An empty list gives servers '
             'no address.'),
]


def network_section_opts(default_cidr=None):
    """The options of one ``[network_<name>]`` section; ``default_cidr``
    for the default network, None (it must be set) for the others."""
    return [
        cfg.StrOpt(
            'cidr', default=default_cidr,
            help='Address range of the network, e.g. 10.0.0.0/24 or '
                 'fd00::/64. The network and broadcast addresses and the '
                 'gateway are never given to a server. Required, except '
                 'for the network named "%s" (%s by default).'
                 % (DEFAULT_NETWORK, DEFAULT_CIDR)),
        cfg.IPOpt(
            'gateway',
            help='Gateway of the network, told to guests through DHCP. '
                 'Default: the first address of the CIDR.'),
        cfg.ListOpt(
            'dns_servers', default=[],
            help='DNS servers told to guests. Default: none (the guest '
                 'keeps its own).'),
        cfg.StrOpt(
            'bridge',
            help='Linux bridge of the compute hosts that the libvirt driver '
                 'attaches guests of this network to (the operator runs '
                 'DHCP on it, or the guests configure themselves). Takes '
                 'precedence over libvirt_network.'),
        cfg.StrOpt(
            'libvirt_network',
            help='libvirt network of the compute hosts that the libvirt '
                 'driver attaches guests of this network to when bridge '
                 'is unset; each guest\'s MAC and address are added to '
                 'its DHCP hosts, so its dnsmasq gives the guest the '
                 'address shown by the API (the libvirt network\'s subnet '
                 'must then be this cidr). With neither set, libvirt '
                 'guests get no interface on this network: its addresses '
                 'are only recorded.'),
    ]


#: Names of a network section's options.
_SECTION_OPTS = frozenset(opt.name for opt in network_section_opts())


def section(name):
    """The name of the configuration section of network ``name``."""
    return 'network_%s' % name


def register_opts(conf):
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)


def register_network(conf, name):
    """Register the section of network ``name`` (idempotent); the
    networks are known only once the configuration is read."""
    group = section(name)
    # Registering clears oslo.config's cache of every option's value, so
    # it is done once: this runs on every boot (API and conductor).
    if group not in conf or not _SECTION_OPTS.issubset(conf[group]):
        default = DEFAULT_CIDR if name == DEFAULT_NETWORK else None
        conf.register_opts(network_section_opts(default), group=group)
    return conf[group]


def list_opts():
    return {network_group: network_opts,
            section(DEFAULT_NETWORK): network_section_opts(DEFAULT_CIDR)}
