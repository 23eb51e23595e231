"""An isolated libvirt network for the real-QEMU tests, and a network
namespace on its bridge to reach the guests from.

The network has no ``<forward>``: its bridge, in the root namespace, joins
only the guests and libvirt's dnsmasq (which gives the guests their
addresses by DHCP). The test reaches the guests from a network namespace of
its own, plugged into the bridge by a veth pair, so no test traffic leaves
the namespace or the bridge. The namespace's own address is a DHCP host
of the network from the start: libvirt restarts dnsmasq (~2 s) whenever a
network's first DHCP host comes or its last goes, which would otherwise
happen at every boot and delete. Everything is named with one random suffix
and removed by :meth:`IsolatedNetwork.stop`, which tolerates what is
already gone (it runs after failures too).
"""
import contextlib
import ipaddress
import random
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET

NETWORK_XML = """\
<network>
  <name>{name}</name>
  <bridge name='{bridge}' stp='off' delay='0'/>
  <ip address='{gateway}' netmask='{netmask}'>
    <dhcp>
      <host mac='{peer_mac}' ip='{peer}' name='peer'/>
    </dhcp>
  </ip>
</network>
"""

HTTP_GET = """\
import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
"""


def _ip(*args, check=True):
    return subprocess.run(['ip', *args], capture_output=True, text=True,
                          timeout=30, check=check)


def _free_subnet():
    """A /24 of 10.213.0.0/16 that no route of the host overlaps."""
    routes = []
    for line in _ip('-4', 'route', 'show', 'table', 'all').stdout.split('\n'):
        dest = line.split(' ', 1)[0]
        with contextlib.suppress(ValueError):
            if dest not in ('', 'default', 'local', 'broadcast'):
                routes.append(ipaddress.ip_network(dest, strict=False))
    candidates = list(ipaddress.ip_network('10.213.0.0/16').subnets(8))
    random.shuffle(candidates)
    for subnet in candidates:
        if not any(subnet.overlaps(r) for r in routes):
            return subnet
    raise RuntimeError('no free /24 in 10.213.0.0/16')


class IsolatedNetwork:
    """A persistent, running libvirt network and a namespace holding
    ``self.peer`` (the last address of the subnet, the network's one DHCP
    host) on its bridge."""

    def __init__(self, uri):
        suffix = uuid.uuid4().hex[:6]
        self.uri = uri
        self.name = f'nova-core-it-{suffix}'
        self.bridge = f'ncit{suffix}'
        self.netns = f'ncit{suffix}'
        self.veth = (f'ncit{suffix}h', f'ncit{suffix}n')
        self.subnet = _free_subnet()
        self.gateway = str(self.subnet.network_address + 1)
        self.peer = str(self.subnet.broadcast_address - 1)
        # Locally administered, unlike the guests' (fa:16:3e).
        self.peer_mac = '02:00:00:%s:%s:%s' % (suffix[:2], suffix[2:4],
                                               suffix[4:])
        self._conn = None

    def start(self):
        import libvirt
        self._conn = libvirt.open(self.uri)
        net = self._conn.networkDefineXML(NETWORK_XML.format(
            name=self.name, bridge=self.bridge, gateway=self.gateway,
            netmask=self.subnet.netmask, peer=self.peer,
            peer_mac=self.peer_mac))
        net.create()
        host_end, ns_end = self.veth
        _ip('netns', 'add', self.netns)
        _ip('link', 'add', host_end, 'type', 'veth', 'peer', 'name', ns_end,
            'address', self.peer_mac)
        _ip('link', 'set', ns_end, 'netns', self.netns)
        _ip('link', 'set', host_end, 'master', self.bridge, 'up')
        _ip('-n', self.netns, 'addr', 'add',
            f'{self.peer}/{self.subnet.prefixlen}', 'dev', ns_end)
        _ip('-n', self.netns, 'link', 'set', ns_end, 'up')
        _ip('-n', self.netns, 'link', 'set', 'lo', 'up')

    def dhcp_hosts(self):
        """``{mac: address}`` of the network's DHCP hosts."""
        root = ET.fromstring(
            self._conn.networkLookupByName(self.name).XMLDesc(0))
        return {h.get('mac'): h.get('ip')
                for h in root.findall('ip/dhcp/host')}

    def ping(self, address):
        """One ping from the namespace; True when answered."""
        proc = subprocess.run(
            ['ip', 'netns', 'exec', self.netns, 'busybox', 'ping', '-c', '1',
             '-W', '2', address], capture_output=True, timeout=30,
            check=False)
        return proc.returncode == 0

    def http_get(self, address):
        """The page at ``http://address/``, fetched from the namespace;
        None when it does not answer."""
        proc = subprocess.run(
            ['ip', 'netns', 'exec', self.netns, sys.executable, '-c',
             HTTP_GET, f'http://{address}/'], capture_output=True,
            text=True, timeout=30, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else None

    def stop(self):
        """Remove the namespace (and with it the veth pair), the guests
        still on the network, and the network."""
        import libvirt
        _ip('netns', 'del', self.netns, check=False)
        _ip('link', 'del', self.veth[0], check=False)
        if self._conn is None:
            return
        for dom in self._conn.listAllDomains():
            if f"network='{self.name}'" in dom.XMLDesc(0):
                with contextlib.suppress(libvirt.libvirtError):
                    dom.destroy()
                with contextlib.suppress(libvirt.libvirtError):
                    dom.undefine()
        with contextlib.suppress(libvirt.libvirtError):
            net = self._conn.networkLookupByName(self.name)
            with contextlib.suppress(libvirt.libvirtError):
                net.destroy()
            net.undefine()
        self._conn.close()
        self._conn = None
