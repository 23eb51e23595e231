"""The guard on the interface calls: a compute host takes and gives back
ports of its own instances only, on a named network with a well-formed
address and tag."""
import pytest

from nova_core import exception
from nova_core.db import fixed_ips
from tests.unit.conductor.test_guard import Cloud, _refused


@pytest.fixture
def cloud(db):
    return Cloud()


REFUSED = {
    'a port for another host\'s instance': ('interface_allocate', lambda c:
                                            dict(instance_uuid=c.theirs,
                                                 network_name='private')),
    'a port on no network': ('interface_allocate', lambda c: dict(
        instance_uuid=c.mine, network_name=None)),
    'a port with a bad address': ('interface_allocate', lambda c: dict(
        instance_uuid=c.mine, network_name='private', fixed_ip='10.0.0')),
    'a port with a long tag': ('interface_allocate', lambda c: dict(
        instance_uuid=c.mine, network_name='private', tag='t' * 61)),
    'a port of another host\'s instance back': ('interface_release',
                                                lambda c: dict(
                                                    instance_uuid=c.theirs,
                                                    port_id='p')),
    'a port of no id back': ('interface_release', lambda c: dict(
        instance_uuid=c.mine, port_id=7)),
}


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refused_changes_nothing_and_is_logged(cloud, caplog, name):
    method, kwargs = REFUSED[name]
    _refused(cloud, caplog, method, **kwargs(cloud))
    assert fixed_ips.get_by_instances([cloud.mine, cloud.theirs]) == {}


def test_own_port_taken_and_given_back(cloud):
    vif = cloud.call('interface_allocate', instance_uuid=cloud.mine,
                     network_name='private', fixed_ip='10.0.0.40',
                     tag='eth1')
    assert (vif['network'], vif['address'], vif['tag'], vif['prefix_len']) \
        == ('private', '10.0.0.40', 'eth1', 24)
    (row,) = fixed_ips.get_by_instances([cloud.mine])[cloud.mine]
    assert row['port_id'] == vif['port_id']
    with pytest.raises(exception.FixedIpAlreadyInUse):
        cloud.call('interface_allocate', instance_uuid=cloud.mine,
                   network_name='private', fixed_ip='10.0.0.40')
    with pytest.raises(exception.NetworkNotFound):
        cloud.call('interface_allocate', instance_uuid=cloud.mine,
                   network_name='nonet')
    with pytest.raises(exception.FixedIpNotFoundForNetwork):
        cloud.call('interface_allocate', instance_uuid=cloud.mine,
                   network_name='private', fixed_ip='10.9.0.1')
    cloud.call('interface_release', instance_uuid=cloud.mine,
               port_id=vif['port_id'])
    assert fixed_ips.get_by_instances([cloud.mine]) == {}
    with pytest.raises(exception.PortNotFound):
        cloud.call('interface_release', instance_uuid=cloud.mine,
                   port_id=vif['port_id'])
