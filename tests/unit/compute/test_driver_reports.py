"""What the driver base reports of a host and a guest by default."""
import types

from nova_core.compute import power_state
from nova_core.virt import driver


def _driver(state):
    stub = types.SimpleNamespace(
        get_info=lambda instance: driver.InstanceInfo(state),
        diagnostics_driver='libvirt')
    return stub


def test_diagnostics_from_state_and_flavor():
    instance = {'vcpus': 2, 'memory_mb': 2048, 'config_drive': ''}
    diagnostics = driver.ComputeDriver.get_instance_diagnostics(
        _driver(power_state.PAUSED), instance)
    assert diagnostics['state'] == 'paused'
    assert diagnostics['memory_details'] == {'maximum': 2048, 'used': None}
    assert [c['id'] for c in diagnostics['cpu_details']] == [0, 1]
    assert diagnostics['config_drive'] is False
    unknown = driver.ComputeDriver.get_instance_diagnostics(
        _driver(power_state.NOSTATE), instance)
    assert unknown['state'] == 'pending'


def test_host_uptime_reads_proc():
    uptime = driver.ComputeDriver.get_host_uptime(None)
    assert ' up ' in uptime and 'load average: ' in uptime
