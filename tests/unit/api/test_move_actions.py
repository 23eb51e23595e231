"""The pure rules of os-migrateLive and evacuate: which microversion takes
which body, when a named host is forced, what password an evacuation
gets."""
import pytest

from nova_core import exception
from nova_core.api import validation
from nova_core.api.actions import evacuate, live_migrate
from nova_core.api.microversion import APIVersion


def _v(text):
    return APIVersion.parse(text)


@pytest.mark.parametrize('version,keys,required', [
    ('2.1', {'block_migration', 'disk_over_commit', 'host'},
     {'block_migration', 'disk_over_commit', 'host'}),
    ('2.25', {'block_migration', 'host'}, {'block_migration', 'host'}),
    ('2.30', {'block_migration', 'host', 'force'},
     {'block_migration', 'host'}),
    ('2.67', {'block_migration', 'host', 'force'},
     {'block_migration', 'host'}),
    ('2.68', {'block_migration', 'host'}, {'block_migration', 'host'}),
])
def test_live_migrate_schema(version, keys, required):
    inner = live_migrate.schema(_v(version))['properties']['os-migrateLive']
    assert set(inner['properties']) == keys
    assert set(inner['required']) == required
    auto = {'os-migrateLive': {'host': None, 'block_migration': 'auto',
                               'disk_over_commit': False}}
    if version == '2.1':
        with pytest.raises(exception.ValidationError):
            validation.check(live_migrate.schema(_v(version)), auto)


@pytest.mark.parametrize('version,args,forced', [
    ('2.1', {'host': None}, False),
    ('2.29', {'host': 'h'}, True),
    ('2.30', {'host': 'h'}, False),
    ('2.30', {'host': 'h', 'force': 'yes'}, True),
    ('2.30', {'host': None, 'force': False}, False),
    ('2.68', {'host': 'h'}, False),
])
def test_live_migrate_forced(version, args, forced):
    assert live_migrate.forced(_v(version), args) is forced
    assert evacuate._force(_v(version), args) is (
        forced if version != '2.29' else False)


@pytest.mark.parametrize('module', [live_migrate.forced, evacuate._force])
def test_force_without_a_host(module):
    with pytest.raises(exception.ValidationError) as caught:
        module(_v('2.30'), {'host': None, 'force': True})
    assert caught.value.format_message() == (
        "Can't force to a non-provided destination")


@pytest.mark.parametrize('version,keys', [
    ('2.13', {'host', 'onSharedStorage', 'adminPass'}),
    ('2.14', {'host', 'adminPass'}),
    ('2.29', {'host', 'adminPass', 'force'}),
    ('2.68', {'host', 'adminPass'}),
    ('2.95', {'host', 'adminPass'}),
])
def test_evacuate_schema(version, keys):
    inner = evacuate.schema(_v(version))['properties']['evacuate']
    assert set(inner['properties']) == keys
    assert inner['required'] == (['onSharedStorage'] if version == '2.13'
                                 else [])


def test_evacuate_password():
    old, new = _v('2.13'), _v('2.14')
    assert evacuate._password(old, {'onSharedStorage': True}) is None
    assert evacuate._password(old, {'onSharedStorage': 'false',
                                    'adminPass': 'p'}) == 'p'
    assert len(evacuate._password(old, {'onSharedStorage': False})) > 8
    with pytest.raises(exception.ValidationError):
        evacuate._password(old, {'onSharedStorage': True, 'adminPass': 'p'})
    assert evacuate._password(new, {'adminPass': 'p'}) == 'p'
    assert len(evacuate._password(new, {})) > 8
