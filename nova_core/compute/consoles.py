"""Where a guest's interactive console listens, for the API to issue a
console token against (``get_remote_console``).

As Nova's compute manager: a console kind that is not enabled on this
host is ``ConsoleTypeUnavailable``; a type that does not belong to its
protocol ``ConsoleTypeInvalid`` (both 400); a driver without such a
console answers 501; a guest that is still building has no console yet
(409). Nova's compute then stores the token itself; this compute has no
database, so it only returns the connect info and the API, which holds
the database, issues the token (see :mod:`nova_core.api.consoles`).
"""
from nova_core import exception
from nova_core.states import vm_states

#: protocol -> (the console type it serves, its config group, the
#: driver method). Spice and MKS have no entry: never enabled here, as
#: Nova's ``[spice]``/``[mks] enabled`` default to off.
KINDS = {
    'serial': ('serial', 'serial_console', 'get_serial_console'),
    'vnc': ('novnc', 'vnc', 'get_vnc_console'),
}


def connect_info(conf, driver, context, instance, protocol, console_type):
    """``{'console_type', 'host', 'port', 'internal_access_path'}`` of the
    guest's console of ``protocol``.

    :raises: ConsoleTypeUnavailable, ConsoleTypeInvalid,
        ConsoleNotSupported, InstanceNotReady, InstanceNotFound.
    """
    kind = KINDS.get(protocol)
    if kind is None or not conf[kind[1]].enabled:
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    if console_type != kind[0]:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    try:
        info = getattr(driver, kind[2])(context, instance)
    except NotImplementedError:
        raise exception.ConsoleNotSupported()
    except exception.InstanceNotFound:
        if instance['vm_state'] != vm_states.BUILDING:
            raise
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    return dict(info, console_type=console_type)
