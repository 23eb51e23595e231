"""Which drivers say they can live-migrate: the fake can, and a driver
that does not say so refuses through the base class (libvirt's "cannot"
is in tests/unit/drivers/libvirt/test_resize.py, where libvirt-python is
installed)."""
import pytest

from nova_core.virt import driver
from nova_core_drivers.fake import driver as fake_driver


def test_capabilities():
    assert fake_driver.FakeDriver.capabilities['supports_live_migration']
    assert not driver.ComputeDriver.capabilities['supports_live_migration']


@pytest.mark.parametrize('method,args', [
    ('pre_live_migration', ({}, {})),
    ('live_migration', ({}, {}, {})),
    ('post_live_migration_at_destination', ({}, {}, {})),
])
def test_the_base_driver_cannot(method, args):
    with pytest.raises(NotImplementedError):
        getattr(driver.ComputeDriver, method)(None, None, *args)
