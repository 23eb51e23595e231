"""Rescue, password and crash dump of the fake driver: real state changes
that outlive the driver, and a hypervisor's refusals."""
import pytest

from nova_core import exception
from nova_core.compute import power_state
from nova_core.conf import CONF
from nova_core_drivers.fake import driver as fake_driver


def _instance(uuid='a'):
    return {'uuid': uuid, 'name': 'instance-' + uuid, 'display_name': uuid,
            'flavor': {'name': 'm1.tiny'}, 'image_ref': 'img'}


@pytest.fixture
def hypervisor(conf, tmp_path):
    conf.config(host='h1', state_path=str(tmp_path))
    driver = fake_driver.FakeDriver(CONF)
    driver.init_host('h1')
    driver.spawn(None, _instance(), {'id': 'img'})
    return driver


def _restarted():
    driver = fake_driver.FakeDriver(CONF)
    driver.init_host('h1')
    return driver


def test_rescue_survives_a_restart_and_unrescue_ends_it(hypervisor):
    hypervisor.power_off(_instance())
    hypervisor.rescue(None, _instance(), {'id': 'rescue-img'})
    guest = _restarted().guest('a')
    assert guest['rescue'] == {'state': power_state.SHUTDOWN,
                               'image': 'rescue-img'}
    assert guest['state'] == power_state.RUNNING
    hypervisor.unrescue(None, _instance())
    assert 'rescue' not in _restarted().guest('a')


def test_password_and_crash_dump_need_a_running_guest(hypervisor):
    hypervisor.set_admin_password(_instance(), 'pw')
    hypervisor.trigger_crash_dump(_instance())
    guest = _restarted().guest('a')
    assert (guest['admin_password'], guest['crash_dumps']) == ('pw', 1)
    hypervisor.pause(_instance())
    with pytest.raises(exception.InstanceNotRunning):
        hypervisor.set_admin_password(_instance(), 'other')
    with pytest.raises(exception.InstanceNotRunning):
        hypervisor.trigger_crash_dump(_instance())


@pytest.mark.parametrize('call', [
    lambda d: d.rescue(None, _instance('x'), {'id': 'r'}),
    lambda d: d.unrescue(None, _instance('x')),
    lambda d: d.set_admin_password(_instance('x'), 'pw'),
    lambda d: d.trigger_crash_dump(_instance('x')),
])
def test_missing_guest(hypervisor, call):
    with pytest.raises(exception.InstanceNotFound):
        call(hypervisor)


def test_told_to_fail(hypervisor, conf):
    conf.config(fail_operations=['rescue'], group='fake')
    with pytest.raises(exception.VirtDriverError):
        hypervisor.rescue(None, _instance(), {'id': 'r'})
    assert 'rescue' not in hypervisor.guest('a')


def test_interfaces_recorded_across_a_restart_and_reported(hypervisor):
    vif = {'port_id': 'p1', 'mac': 'fa:16:3e:00:00:01',
           'address': '10.0.0.5', 'network': 'private', 'tag': 'eth1',
           'bridge': None}
    hypervisor.attach_interface(None, _instance(), vif)
    with pytest.raises(exception.VirtDriverError, match='MAC'):
        hypervisor.attach_interface(None, _instance(), vif)
    restarted = _restarted()
    assert restarted.guest('a')['interfaces'] == [{
        'port_id': 'p1', 'mac': 'fa:16:3e:00:00:01', 'address': '10.0.0.5',
        'network': 'private', 'tag': 'eth1'}]
    diagnostics = restarted.get_instance_diagnostics(
        dict(_instance(), vcpus=1, memory_mb=64))
    assert diagnostics['num_nics'] == 1
    assert diagnostics['nic_details'][0]['mac_address'] == vif['mac']
    hypervisor.detach_interface(None, _instance(), vif)
    assert _restarted().guest('a')['interfaces'] == []
    with pytest.raises(exception.InstanceNotFound):
        hypervisor.attach_interface(None, _instance('gone'), vif)
