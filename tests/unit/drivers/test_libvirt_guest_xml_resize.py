"""The libvirt driver's domain XML rewritten for a resize (pure XML: runs
without libvirt-python)."""
import xml.etree.ElementTree as ET

from nova_core_drivers.libvirt import guest_xml
from nova_core_drivers.libvirt.guest_files import GuestFiles


def test_with_flavor_changes_only_cpus_memory_and_flavor():
    instance = {'uuid': 'u', 'name': 'instance-1', 'display_name': 'vm',
                'vcpus': 1, 'memory_mb': 512, 'image_ref': 'img',
                'flavor': {'flavorid': '1', 'name': 'm1.tiny'}}
    xml = guest_xml.domain_xml(instance, {}, GuestFiles('/i/u'), 'qemu')
    resized = guest_xml.with_flavor(xml, dict(
        instance, vcpus=2, memory_mb=2048,
        flavor={'flavorid': '2', 'name': 'm1.small'}))
    root = ET.fromstring(resized)
    assert root.find('vcpu').text == '2'
    assert (root.find('memory').text, root.find('memory').get('unit')) == (
        str(2048 * 1024), 'KiB')
    ns = '{%s}' % guest_xml.NS
    flavor = root.find('metadata/%sinstance/%sflavor' % (ns, ns))
    assert (flavor.text, flavor.get('id')) == ('m1.small', '2')
    before, after = ET.fromstring(xml), root
    assert ET.tostring(before.find('devices')) == \
        ET.tostring(after.find('devices'))
