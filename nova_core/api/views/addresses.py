"""A server's addresses as Nova shows them: by network label, each with
its IP version; the server view (``extended``) adds the address type and
the interface's MAC (``OS-EXT-IPS:type``, ``OS-EXT-IPS-MAC:mac_addr``),
``/servers/{id}/ips`` does not."""
import ipaddress


def address(row, extended):
    view = {'version': ipaddress.ip_address(row['address']).version,
            'addr': row['address']}
    if extended:
        view['OS-EXT-IPS:type'] = 'fixed'
        view['OS-EXT-IPS-MAC:mac_addr'] = row['mac']
    return view


def index(rows, extended=False):
    """``{label: [address, ...]}`` of a server's fixed IP ``rows``, in
    the order of its interfaces."""
    result = {}
    for row in rows or ():
        result.setdefault(row['network'], []).append(address(row, extended))
    return result
