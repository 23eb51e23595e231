"""Which drivers say they can live-migrate: the fake can, libvirt cannot
(the API refuses at once for its servers), and a driver that does not say
so refuses through the base class."""
import pytest

from nova_core.virt import driver
from nova_core_drivers.fake import driver as fake_driver
from nova_core_drivers.libvirt import driver as libvirt_driver


def test_capabilities():
    assert fake_driver.FakeDriver.capabilities['supports_live_migration']
    assert not libvirt_driver.LibvirtDriver.capabilities[
        'supports_live_migration']
    assert not driver.ComputeDriver.capabilities['supports_live_migration']


@pytest.mark.parametrize('method,args', [
    ('pre_live_migration', ({}, {})),
    ('live_migration', ({}, {}, {})),
    ('post_live_migration_at_destination', ({}, {}, {})),
])
def test_the_base_driver_cannot(method, args):
    with pytest.raises(NotImplementedError):
        getattr(driver.ComputeDriver, method)(None, None, *args)
