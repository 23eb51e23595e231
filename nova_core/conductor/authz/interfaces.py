"""The rules of interfaces attached to and detached from instances."""
import ipaddress

from nova_core.conductor.authz.checks import (
    Refused,
    in_transaction,
    lock_instance,
    text,
)


def _ip(value):
    if not text(value, 39):
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@in_transaction
def interface_allocate(ctxt, host, kw):
    """A port for an instance of this host, on a network named (the
    method refuses one not configured), with a well-formed address and
    tag (as the API took them)."""
    if not text(kw.get('network_name')):
        raise Refused('bad network_name')
    if kw.get('fixed_ip') is not None and not _ip(kw['fixed_ip']):
        raise Refused('bad fixed_ip')
    if not text(kw.get('tag'), 60, none=True):
        raise Refused('bad tag')
    lock_instance(kw.get('instance_uuid'), host)


@in_transaction
def interface_release(ctxt, host, kw):
    """Only a port of an instance of this host (the method's DELETE is
    of that instance's port alone)."""
    if not text(kw.get('port_id'), 36):
        raise Refused('bad port_id')
    lock_instance(kw.get('instance_uuid'), host)
