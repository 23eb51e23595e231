"""Attaching and detaching on the compute host: the port comes from the
conductor and goes back to it when the driver cannot plug it; a driver
without the capability is refused before anything is allocated."""
from unittest import mock

import pytest

from nova_core import exception
from nova_core.compute import interfaces

INSTANCE = {'uuid': 'u1', 'name': 'instance-1'}
VIF = {'port_id': 'p1', 'mac': 'fa:16:3e:00:00:01', 'address': '10.0.0.5',
       'network': 'private'}


def _manager(capable=True):
    manager = mock.Mock()
    manager.driver.capabilities = {'supports_attach_interface': capable}
    manager.conductor.interface_allocate.return_value = dict(VIF)
    return manager


def test_attach_allocates_then_plugs():
    manager = _manager()
    assert interfaces.attach(manager, 'ctx', INSTANCE, 'private',
                             '10.0.0.5', 'eth1') == VIF
    manager.conductor.interface_allocate.assert_called_once_with(
        'ctx', 'u1', 'private', '10.0.0.5', 'eth1')
    manager.driver.attach_interface.assert_called_once_with(
        'ctx', INSTANCE, VIF)
    manager.conductor.interface_release.assert_not_called()


def test_a_failed_plug_gives_the_port_back():
    manager = _manager()
    manager.driver.attach_interface.side_effect = exception.VirtDriverError(
        reason='boom')
    with pytest.raises(exception.InterfaceAttachFailed, match='u1'):
        interfaces.attach(manager, 'ctx', INSTANCE, 'private', None, None)
    manager.conductor.interface_release.assert_called_once_with(
        'ctx', 'u1', 'p1')


@pytest.mark.parametrize('operation,args', [
    (interfaces.attach, ('private', None, None)), (interfaces.detach, (VIF,))])
def test_a_driver_without_the_capability(operation, args):
    manager = _manager(capable=False)
    with pytest.raises(exception.AttachInterfaceNotSupported):
        operation(manager, 'ctx', INSTANCE, *args)
    manager.conductor.interface_allocate.assert_not_called()
    manager.conductor.interface_release.assert_not_called()


def test_detach_unplugs_then_releases_and_keeps_a_port_it_cannot_unplug():
    manager = _manager()
    interfaces.detach(manager, 'ctx', INSTANCE, VIF)
    manager.driver.detach_interface.assert_called_once_with(
        'ctx', INSTANCE, VIF)
    manager.conductor.interface_release.assert_called_once_with(
        'ctx', 'u1', 'p1')
    manager = _manager()
    manager.driver.detach_interface.side_effect = exception.VirtDriverError(
        reason='busy')
    with pytest.raises(exception.InterfaceDetachFailed):
        interfaces.detach(manager, 'ctx', INSTANCE, VIF)
    manager.conductor.interface_release.assert_not_called()
