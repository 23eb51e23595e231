"""``os-interface``: a server's ports, attached and detached.

nova-core has no Neutron: a server's ports are its fixed IPs
(:mod:`nova_core.db.fixed_ips`), each with its ``port_id``, on the
configured networks (:mod:`nova_core.network`). Nova's answers are kept:
a port id that is not one of ours is Neutron's "not found", an address in
use a 409, a network that has none left a 400. Attaching is a call to the
server's compute host (which asks a conductor for the port, then plugs
it); detaching a cast (the host unplugs it, then gives the address back).
"""
import ipaddress

from nova_core import exception, network
from nova_core.api import servers_api
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import services as db_services
from nova_core.states import vm_states

#: Nova's ``check_instance_state`` of attach and detach.
VM_STATES = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.STOPPED)
TASK_STATES = (None,)
ATTACH, DETACH = 'attach_interface', 'detach_interface'


def view(row, show_tag):
    """A port as Nova's ``_translate_interface_attachment_view``."""
    result = {'net_id': network.network_uuid(row['network']),
              'port_id': row['port_id'], 'mac_addr': row['mac'],
              'port_state': 'ACTIVE',
              'fixed_ips': [{'subnet_id': network.subnet_uuid(
                  row['network']), 'ip_address': row['address']}]}
    if show_tag:
        result['tag'] = row.get('tag')
    return result


def ports(instance):
    return db_fixed_ips.get_by_instances([instance['uuid']]).get(
        instance['uuid'], [])


def port(instance, port_id):
    """The port ``port_id`` of ``instance``.

    :raises: NotFound as Nova's (Neutron's "not found", or the port is
        another server's).
    """
    row = db_fixed_ips.get_port(port_id)
    if row is None:
        raise _not_found(port_id)
    if row['instance_uuid'] != instance['uuid']:
        raise exception.NotFound(
            'Instance %s does not have a port with id %s'
            % (instance['uuid'], port_id))
    return row


def _not_found(port_id):
    return exception.NotFound(exception.PortNotFound(
        port_id=port_id).format_message())


def check_state(instance, action):
    """:raises: InstanceInvalidState (409) as Nova's."""
    servers_api.check_state(instance, action, VM_STATES, TASK_STATES)
    if instance['host'] is None:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance['uuid'],
            attr='vm_state', state=instance['vm_state'])


def _capable(instance):
    """Whether the driver of the server's host plugs interfaces, as its
    host last reported."""
    nodes = db_services.node_get_all(host=instance['host'])
    return any((n.get('capabilities') or {}).get(
        compute_rpcapi.ATTACH_INTERFACE_CAPABILITY) for n in nodes)


def _network(conf, context, net_id):
    if net_id is not None:
        net = network.by_uuid(conf, net_id)
        if net is None:
            raise exception.NotFound(exception.NetworkNotFound(
                network_id=net_id).format_message())
        return net
    known = list(network.networks(conf).values())
    if not known:
        raise exception.InterfaceAttachFailedNoNetwork(
            project_id=context.project_id)
    if len(known) > 1:
        raise exception.NetworkAmbiguous()
    return known[0]


def _address(net, address):
    """:raises: Invalid (400), Conflict (409) as Nova's."""
    if address is None:
        return None
    if not net.contains(address):
        raise exception.FixedIpNotFoundForNetwork(address=address,
                                                  network_uuid=net.uuid)
    address = str(ipaddress.ip_address(address))
    holder = db_fixed_ips.holder(net.name, address)
    if holder is not None:
        raise _in_use(address, holder)
    return address


def _in_use(address, holder):
    return exception.Conflict(exception.FixedIpAlreadyInUse(
        address=address, instance_uuid=holder).format_message())


def attach(conf, context, api, instance, body):
    """Attach what ``body`` (``interfaceAttachment``, maybe empty) asks.

    :returns: the new port's row (as :func:`view` takes it).
    """
    attachment = (body or {}).get('interfaceAttachment') or {}
    net_id, port_id = attachment.get('net_id'), attachment.get('port_id')
    address = (attachment.get('fixed_ips') or [{}])[0].get('ip_address')
    if net_id and port_id:
        raise exception.Invalid('Must not input both network_id and port_id')
    if address and not net_id:
        raise exception.Invalid(
            'Must input network_id when request IP address')
    if instance['locked'] and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])
    check_state(instance, ATTACH)
    if port_id:
        # A port is Neutron's to make: one of ours is in use already.
        if db_fixed_ips.get_port(port_id) is not None:
            raise exception.Conflict('Port %s is still in use.' % port_id)
        raise _not_found(port_id)
    net = _network(conf, context, net_id)
    address = _address(net, address)
    if not _capable(instance):
        raise exception.AttachInterfaceNotSupported(
            instance_uuid=instance['uuid'])
    db_actions.start(instance['uuid'], ATTACH, context.request_id,
                     context.user_id, context.project_id)
    try:
        vif = api.compute.attach_interface(context, instance, net.name,
                                           fixed_ip=address,
                                           tag=attachment.get('tag'))
    except exception.FixedIpAlreadyInUse as exc:
        raise exception.Conflict(exc.format_message())
    except exception.NoMoreFixedIps as exc:
        raise exception.Invalid(exc.format_message())
    row = db_fixed_ips.get_port(vif['port_id'])
    if row is None:  # detached (or the server deleted) meanwhile
        raise _not_found(vif['port_id'])
    return row


def detach(conf, context, api, instance, port_id):
    if instance['locked'] and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])
    check_state(instance, DETACH)
    row = db_fixed_ips.get_port(port_id)
    if row is None or row['instance_uuid'] != instance['uuid']:
        raise _not_found(port_id)
    if not _capable(instance):
        raise exception.FeatureNotSupported()
    db_actions.start(instance['uuid'], DETACH, context.request_id,
                     context.user_id, context.project_id)
    api.compute.detach_interface(context, instance, network.vif(
        row, network.networks(conf).get(row['network'])))
