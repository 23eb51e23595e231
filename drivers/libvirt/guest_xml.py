"""Domain XML of a guest, from its instance, image and files.

The guest gets the flavor's vCPUs and memory, its qcow2 overlay as a virtio
disk, a virtio NIC per address the conductor allocated on a network with a
bridge or libvirt network (``network_info``), a serial console logged to a
file (what os-getConsoleOutput reads; a TCP one for the serial proxy when
enabled), a VNC server when enabled, the QEMU guest agent's channel for
images with ``hw_qemu_guest_agent`` (as Nova's) and, for AMI-style images
whose properties name a ``kernel_id`` and ``ramdisk_id``, direct
kernel/initrd boot with a command line that always sends the kernel's
messages to the serial console.
"""
import xml.etree.ElementTree as ET

from nova_core_drivers.libvirt.consoles import NO_CONSOLES

#: Namespace of the metadata nova-core puts in its domains.
NS = 'http://nova-core.example.org/xmlns/instance/1.0'
NS_PREFIX = 'nova-core'
#: Image property values that turn the QEMU guest agent on.
TRUE = ('yes', 'true', '1', 'on')
#: The virtio-serial port the QEMU guest agent listens on.
GUEST_AGENT_PORT = 'org.qemu.guest_agent.0'


def wants_guest_agent(image_props):
    """Whether image properties ``image_props`` ask for the QEMU guest
    agent (``hw_qemu_guest_agent``)."""
    return str(image_props.get('hw_qemu_guest_agent', '')).lower() in TRUE


def kernel_cmdline(image_meta, default):
    """The image's ``os_command_line`` (or ``default``), with the serial
    console added when missing."""
    props = image_meta.get('properties') or {}
    cmdline = props.get('os_command_line') or default
    if 'console=ttyS0' not in cmdline.split():
        cmdline = f'{cmdline} console=ttyS0'.strip()
    return cmdline


def _sub(parent, tag, text=None, **attrs):
    elem = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        elem.text = str(text)
    return elem


def _metadata(root, instance):
    meta = _sub(root, 'metadata')
    inst = _sub(meta, f'{{{NS}}}instance')
    _sub(inst, f'{{{NS}}}name', instance.get('display_name') or '')
    flavor = instance.get('flavor') or {}
    _sub(inst, f'{{{NS}}}flavor', flavor.get('name') or '',
         id=flavor.get('flavorid') or '')
    _sub(inst, f'{{{NS}}}image', instance.get('image_ref') or '')


def _os(root, image_meta, files, machine_type, default_cmdline):
    os_elem = _sub(root, 'os')
    attrs = {'machine': machine_type} if machine_type else {}
    _sub(os_elem, 'type', 'hvm', **attrs)
    if files.kernel:
        _sub(os_elem, 'kernel', files.kernel)
        if files.ramdisk:
            _sub(os_elem, 'initrd', files.ramdisk)
        _sub(os_elem, 'cmdline', kernel_cmdline(image_meta, default_cmdline))
    else:
        _sub(os_elem, 'boot', dev='hd')


def _devices(root, files, vifs, consoles, guest_agent):
    devices = _sub(root, 'devices')
    disk = _sub(devices, 'disk', type='file', device='disk')
    _sub(disk, 'driver', name='qemu', type='qcow2')
    _sub(disk, 'source', file=files.disk)
    _sub(disk, 'target', dev='vda', bus='virtio')
    for vif in vifs:
        _interface(devices, vif)
    _serial(devices, files, consoles.serial)
    if guest_agent:
        # A socket libvirt names and connects to; the guest sees a port.
        channel = _sub(devices, 'channel', type='unix')
        _sub(channel, 'source', mode='bind')
        _sub(channel, 'target', type='virtio', name=GUEST_AGENT_PORT)
    if consoles.vnc_listen:
        _sub(devices, 'graphics', type='vnc', autoport='yes',
             listen=consoles.vnc_listen)
        video = _sub(devices, 'video')
        _sub(video, 'model', type='cirrus')
    _sub(devices, 'memballoon', model='virtio')


def _serial(devices, files, tcp):
    """The first serial port, logged to ``console.log``: a pty, or with
    ``tcp`` (host, port) a raw TCP server there for the serial proxy."""
    kind = 'tcp' if tcp else 'pty'
    for tag, target in (('serial', {'port': 0}),
                        ('console', {'type': 'serial', 'port': 0})):
        dev = _sub(devices, tag, type=kind)
        if tcp:
            _sub(dev, 'source', mode='bind', host=tcp[0], service=tcp[1])
            _sub(dev, 'protocol', type='raw')
        if tag == 'serial':
            _sub(dev, 'log', file=files.console_log, append='on')
        _sub(dev, 'target', **target)


def interface_xml(vif):
    """The ``<interface>`` of ``vif`` alone (a hot-plug), or None for a
    network with neither bridge nor libvirt network."""
    holder = ET.Element('devices')
    _interface(holder, vif)
    iface = holder.find('interface')
    return None if iface is None else ET.tostring(iface, encoding='unicode')


def with_interface(xml, vif):
    """Domain ``xml`` with the ``<interface>`` of ``vif`` added last (no
    change if it has one with that MAC, or ``vif`` makes no device)."""
    if find_interface(xml, vif['mac']) is not None:
        return xml
    root = ET.fromstring(xml)
    _interface(root.find('devices'), vif)
    return ET.tostring(root, encoding='unicode')


def without_interface(xml, mac):
    """Domain ``xml`` without its ``<interface>`` of MAC ``mac``."""
    root = ET.fromstring(xml)
    devices = root.find('devices')
    for iface in devices.findall('interface'):
        found = iface.find('mac')
        if found is not None and (found.get('address') or '').lower() == \
                mac.lower():
            devices.remove(iface)
    return ET.tostring(root, encoding='unicode')


def find_interface(xml, mac):
    """The ``<interface>`` with MAC ``mac`` of domain ``xml``, as XML, or
    None."""
    for iface in ET.fromstring(xml).findall('devices/interface'):
        found = iface.find('mac')
        if found is not None and (found.get('address') or '').lower() == \
                mac.lower():
            return ET.tostring(iface, encoding='unicode')
    return None


def _interface(devices, vif):
    """A virtio NIC with the MAC the conductor allocated, on the
    network's bridge, or else on its libvirt network; none for a network
    that names neither."""
    if vif.get('bridge'):
        iface = _sub(devices, 'interface', type='bridge')
        _sub(iface, 'source', bridge=vif['bridge'])
    elif vif.get('libvirt_network'):
        iface = _sub(devices, 'interface', type='network')
        _sub(iface, 'source', network=vif['libvirt_network'])
    else:
        return
    _sub(iface, 'mac', address=vif['mac'])
    _sub(iface, 'model', type='virtio')


def domain_xml(instance, image_meta, files, virt_type, machine_type=None,
               default_cmdline='console=ttyS0', consoles=NO_CONSOLES):
    """The domain XML (a string) of ``instance``, whose files are
    ``files`` (a :class:`.guest_files.GuestFiles`), with the interactive
    ``consoles`` (a :class:`.consoles.GuestConsoles`)."""
    ET.register_namespace(NS_PREFIX, NS)
    root = ET.Element('domain', type=virt_type)
    _sub(root, 'name', instance['name'])
    _sub(root, 'uuid', instance['uuid'])
    _metadata(root, instance)
    _sub(root, 'memory', int(instance['memory_mb']) * 1024, unit='KiB')
    _sub(root, 'vcpu', int(instance['vcpus']))
    _os(root, image_meta, files, machine_type, default_cmdline)
    features = _sub(root, 'features')
    _sub(features, 'acpi')
    _sub(features, 'apic')
    if virt_type == 'kvm':
        _sub(root, 'cpu', mode='host-model')
    _sub(root, 'clock', offset='utc')
    _sub(root, 'on_poweroff', 'destroy')
    _sub(root, 'on_reboot', 'restart')
    _sub(root, 'on_crash', 'destroy')
    _devices(root, files, instance.get('network_info') or (), consoles,
             wants_guest_agent(image_meta.get('properties') or {}))
    ET.indent(root)
    return ET.tostring(root, encoding='unicode')


def with_flavor(xml, instance):
    """The domain XML ``xml`` with the vCPUs, memory and flavor metadata of
    ``instance`` (a resize redefines the domain this way; everything else,
    disks and console included, stays as it was)."""
    ET.register_namespace(NS_PREFIX, NS)
    root = ET.fromstring(xml)
    kib = str(int(instance['memory_mb']) * 1024)
    for tag in ('memory', 'currentMemory'):
        elem = root.find(tag)
        if elem is not None:
            elem.text = kib
            elem.set('unit', 'KiB')
    root.find('vcpu').text = str(int(instance['vcpus']))
    flavor = instance.get('flavor') or {}
    elem = root.find(f'metadata/{{{NS}}}instance/{{{NS}}}flavor')
    if elem is not None:
        elem.text = flavor.get('name') or ''
        elem.set('id', flavor.get('flavorid') or '')
    return ET.tostring(root, encoding='unicode')


def rescue_xml(xml, original_xml, root_disk):
    """The rescue domain ``xml`` with the guest's own disk ``root_disk``
    attached second (``vdb``) and the interfaces of ``original_xml``
    (the same MACs, so the guest keeps its addresses)."""
    ET.register_namespace(NS_PREFIX, NS)
    root = ET.fromstring(xml)
    devices = root.find('devices')
    for old in devices.findall('interface'):
        devices.remove(old)
    first_disk = list(devices).index(devices.find('disk'))
    disk = ET.Element('disk', type='file', device='disk')
    _sub(disk, 'driver', name='qemu', type='qcow2')
    _sub(disk, 'source', file=root_disk)
    _sub(disk, 'target', dev='vdb', bus='virtio')
    devices.insert(first_disk + 1, disk)
    for position, iface in enumerate(
            ET.fromstring(original_xml).findall('devices/interface')):
        devices.insert(first_disk + 2 + position, iface)
    ET.indent(root)
    return ET.tostring(root, encoding='unicode')
