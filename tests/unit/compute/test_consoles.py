"""The compute side of a console request: Nova's refusals, then the
driver's connect info."""
from unittest import mock

import pytest

from nova_core import exception
from nova_core.compute import consoles
from nova_core.conf import CONF
from nova_core.virt import driver as virt_driver

INFO = {'host': '127.0.0.1', 'port': 10000, 'internal_access_path': None}


@pytest.fixture
def cconf(conf):
    conf.config(group='serial_console', enabled=True)
    conf.config(group='vnc', enabled=True)
    return CONF


def _driver(**methods):
    driver = mock.create_autospec(virt_driver.ComputeDriver, instance=True)
    for name, effect in methods.items():
        getattr(driver, name).side_effect = effect
    return driver


def _info(conf, driver, protocol, kind, vm_state='active'):
    return consoles.connect_info(conf, driver, None,
                                 {'uuid': 'u', 'vm_state': vm_state},
                                 protocol, kind)


def test_connect_info_names_the_console_type(cconf):
    driver = _driver(get_serial_console=lambda c, i: dict(INFO))
    assert _info(cconf, driver, 'serial', 'serial') == dict(
        INFO, console_type='serial')


@pytest.mark.parametrize('protocol,kind,error', [
    ('spice', 'spice-html5', exception.ConsoleTypeUnavailable),
    ('mks', 'webmks', exception.ConsoleTypeUnavailable),
    ('serial', 'novnc', exception.ConsoleTypeInvalid),
    ('vnc', 'xvpvnc', exception.ConsoleTypeInvalid),
])
def test_refusals(cconf, protocol, kind, error):
    driver = _driver()
    with pytest.raises(error):
        _info(cconf, driver, protocol, kind)
    assert not driver.get_serial_console.called
    assert not driver.get_vnc_console.called


def test_disabled_is_unavailable(cconf, conf):
    conf.config(group='vnc', enabled=False)
    with pytest.raises(exception.ConsoleTypeUnavailable):
        _info(cconf, _driver(), 'vnc', 'novnc')


def test_driver_without_consoles_is_501(cconf):
    driver = _driver(get_vnc_console=NotImplementedError())
    with pytest.raises(exception.ConsoleNotSupported) as caught:
        _info(cconf, driver, 'vnc', 'novnc')
    assert caught.value.code == 501


@pytest.mark.parametrize('vm_state,error', [
    ('building', exception.InstanceNotReady),
    ('active', exception.InstanceNotFound),
])
def test_missing_guest(cconf, vm_state, error):
    driver = _driver(get_serial_console=exception.InstanceNotFound(
        instance_id='u'))
    with pytest.raises(error):
        _info(cconf, driver, 'serial', 'serial', vm_state)
