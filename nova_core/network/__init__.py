"""The networks of the configuration, and what a server asks of them.

:func:`networks` reads ``[network]`` into :class:`Network` objects, in the
order configured (the first is the default network). A create request's
``networks`` becomes a list of *requests*, ``{"network": name,
"fixed_ip": address or None}``, kept in the instance's system metadata
(``network_requests``) so that whichever conductor builds it, also after a
re-schedule, allocates what was asked. No part of this module reaches the
database: the API, the conductor and the compute hosts may all use it.
"""
import dataclasses
import functools
import ipaddress
import uuid as uuid_lib

from nova_core import exception
from nova_core.conf import network as network_conf

#: Key of the requests in an instance's system metadata.
REQUESTS_KEY = 'network_requests'
#: Namespace of the networks' ids (uuid5 of their name).
_NAMESPACE = uuid_lib.UUID('6c0f4a3e-1e7e-5b0c-9d2a-6e6f76612d63')


@dataclasses.dataclass(frozen=True)
class Network:
    name: str
    cidr: ipaddress.IPv4Network | ipaddress.IPv6Network
    gateway: ipaddress.IPv4Address | ipaddress.IPv6Address
    dns_servers: tuple
    bridge: str | None
    libvirt_network: str | None

    @property
    def uuid(self):
        return network_uuid(self.name)

    def reserved(self):
        """Addresses of the CIDR never given to a server."""
        return {self.cidr.network_address, self.cidr.broadcast_address,
                self.gateway}

    def contains(self, address):
        """Whether ``address`` may be given to a server on this network."""
        try:
            address = ipaddress.ip_address(address)
        except ValueError:
            return False
        return address in self.cidr and address not in self.reserved()


def network_uuid(name):
    """The id clients name network ``name`` by: the same on every host and
    after every restart, as it depends on the name alone."""
    return str(uuid_lib.uuid5(_NAMESPACE, name))


def subnet_uuid(name):
    """The id of the one subnet of network ``name`` (its CIDR), as
    ``os-interface`` shows it in ``fixed_ips``."""
    return str(uuid_lib.uuid5(_NAMESPACE, name + '/subnet'))


def by_uuid(conf, network_id):
    """The configured network whose id is ``network_id``, or None."""
    for net in networks(conf).values():
        if net.uuid == network_id:
            return net
    return None


def networks(conf):
    """The configured networks by name, the default one first.

    :raises: ConfigInvalid for a network without a valid CIDR or with a
        gateway outside it.
    """
    result = {}
    for name in conf.network.networks:
        result[name] = _network(name, network_conf.register_network(
            conf, name))
    return result


def _network(name, section):
    return _parsed(name, section.cidr, section.gateway,
                   tuple(section.dns_servers), section.bridge,
                   section.libvirt_network)


@functools.lru_cache(maxsize=256)
def _parsed(name, cidr, gateway, dns_servers, bridge, libvirt_network):
    """The :class:`Network` of one section's values (parsed once: every
    boot asks for the networks in the API and twice in the conductor)."""
    if not cidr:
        raise exception.ConfigInvalid(
            reason='[%s] cidr is required' % network_conf.section(name))
    try:
        cidr = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        raise exception.ConfigInvalid(reason='[%s] cidr: %s' % (
            network_conf.section(name), exc))
    gateway = (ipaddress.ip_address(gateway) if gateway
               else next(cidr.hosts()))
    if gateway not in cidr:
        raise exception.ConfigInvalid(
            reason='[%s] gateway %s is outside %s' % (
                network_conf.section(name), gateway, cidr))
    return Network(name, cidr, gateway, dns_servers, bridge,
                   libvirt_network)


def requests_for_create(conf, requested, max_count):
    """The network requests of a create's ``networks`` (None, "auto",
    "none" or a list of ``{"uuid", "fixed_ip", "port"}``), checked
    against the configuration as Nova checks them against Neutron.

    :raises: NetworkNotFound, PortNotFound, FixedIpNotFoundForNetwork,
        InvalidFixedIpAndMaxCountRequest (all 400).
    """
    known = networks(conf)
    if requested == 'none':
        return []
    if requested in (None, 'auto') or requested == []:
        return [{'network': name, 'fixed_ip': None}
                for name in list(known)[:1]]
    by_uuid = {net.uuid: net for net in known.values()}
    result = []
    for item in requested:
        if item.get('port'):
            raise exception.PortNotFound(port_id=item['port'])
        net = by_uuid.get(item.get('uuid'))
        if net is None:
            raise exception.NetworkNotFound(network_id=item.get('uuid'))
        address = item.get('fixed_ip')
        if address is not None:
            if max_count > 1:
                raise exception.InvalidFixedIpAndMaxCountRequest(
                    reason='max_count cannot be greater than 1 if an '
                           'fixed_ip is specified.')
            if not net.contains(address):
                raise exception.FixedIpNotFoundForNetwork(
                    address=address, network_uuid=net.uuid)
            address = str(ipaddress.ip_address(address))
        result.append({'network': net.name, 'fixed_ip': address})
    return result


def requests_of(instance):
    """The network requests recorded for ``instance``."""
    return list((instance.get('system_metadata') or {}).get(
        REQUESTS_KEY) or [])


def vifs(rows, known):
    """What a compute host needs to plug an instance in: one dict per
    fixed IP row (:mod:`nova_core.db.fixed_ips`), in interface order,
    from the networks ``known`` (:func:`networks`). Compute hosts get
    these with the instance (``network_info``), as Nova's network info
    travels: they read neither the database nor ``[network]``."""
    return [vif(row, known[row['network']]) for row in rows or ()
            # (not one of a network removed from the configuration since)
            if row['network'] in known]


def vif(row, net):
    """One interface of :func:`vifs`: fixed IP ``row`` on ``net`` (None
    for a network no longer configured: then only what the row says)."""
    result = {'network': row['network'], 'network_id': network_uuid(
        row['network']), 'address': row['address'], 'mac': row['mac'],
        'port_id': row.get('port_id'), 'tag': row.get('tag'),
        'prefix_len': None, 'gateway': None, 'dns_servers': [],
        'bridge': None, 'libvirt_network': None}
    if net is not None:
        result.update(prefix_len=net.cidr.prefixlen,
                      gateway=str(net.gateway),
                      dns_servers=list(net.dns_servers), bridge=net.bridge,
                      libvirt_network=net.libvirt_network)
    return result
