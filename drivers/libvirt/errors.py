"""Turning ``libvirt.libvirtError`` into nova-core's typed errors.

No libvirt error leaves this driver as itself::

    no such domain                 -> InstanceNotFound
    domain exists already          -> InstanceExists
    connection lost / refused      -> HypervisorUnavailable
    anything else                  -> VirtDriverError, naming the action
"""
import contextlib

import libvirt

from nova_core import exception

CONNECTION_ERRORS = frozenset((
    libvirt.VIR_ERR_NO_CONNECT, libvirt.VIR_ERR_INVALID_CONN,
    libvirt.VIR_ERR_RPC, libvirt.VIR_ERR_AUTH_FAILED))


def from_libvirt(exc, action, instance=None, uri=None):
    """The nova-core error that stands for libvirt error ``exc``."""
    code = exc.get_error_code()
    message = exc.get_error_message() or str(exc)
    if code == libvirt.VIR_ERR_NO_DOMAIN and instance is not None:
        return exception.InstanceNotFound(instance_id=instance['uuid'])
    if code == libvirt.VIR_ERR_DOM_EXIST and instance is not None:
        return exception.InstanceExists(name=instance['name'])
    if code in CONNECTION_ERRORS or \
            exc.get_error_domain() == libvirt.VIR_FROM_RPC:
        return exception.HypervisorUnavailable(uri=uri or '?',
                                               reason=message)
    return exception.VirtDriverError(
        reason=f'{action} failed: {message} (libvirt error {code})')


@contextlib.contextmanager
def translated(action, instance=None, uri=None):
    """Run the block, raising libvirt errors as nova-core's."""
    try:
        yield
    except libvirt.libvirtError as exc:
        raise from_libvirt(exc, action, instance, uri) from exc


def error_code(exc):
    """The libvirt error code of ``exc``, None if it is no libvirt error."""
    if isinstance(exc, libvirt.libvirtError):
        return exc.get_error_code()
    return None
