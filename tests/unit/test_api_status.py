"""Microversion parsing and the status table."""
import pytest

from nova_core import exception
from nova_core.api import microversion, status


@pytest.mark.parametrize('headers,expected', [
    ({}, None),
    ({'OpenStack-API-Version': 'compute 2.5'}, '2.5'),
    ({'OpenStack-API-Version': 'compute latest'}, '2.100'),
    ({'OpenStack-API-Version': 'volume 3.0'}, None),
    ({'X-OpenStack-Nova-API-Version': '2.12'}, '2.12'),
    ({'OpenStack-API-Version': 'compute 2.20',
      'X-OpenStack-Nova-API-Version': '2.12'}, '2.20'),
])
def test_requested(headers, expected):
    version = microversion.requested(headers)
    assert (None if version is None else str(version)) == expected


@pytest.mark.parametrize('value,error', [
    ('compute 2.101', exception.MicroversionNotAcceptable),
    ('compute 1.9', exception.MicroversionNotAcceptable),
    ('compute 2', exception.InvalidMicroversion),
    ('compute 2.a', exception.InvalidMicroversion),
    ('compute 02.1', exception.InvalidMicroversion),
])
def test_bad_versions(value, error):
    with pytest.raises(error):
        microversion.requested({'OpenStack-API-Version': value})


def test_ordering():
    v = microversion.APIVersion.parse
    assert v('2.10') > v('2.9') and v('2.100') > v('2.99')
    assert v('2.47').matches('2.47', '2.100') and not v('2.46').matches(
        '2.47')


@pytest.mark.parametrize('vm_state,task_state,shown', [
    ('active', None, 'ACTIVE'), ('active', 'rebooting', 'REBOOT'),
    ('active', 'rebooting_hard', 'HARD_REBOOT'),
    ('active', 'deleting', 'ACTIVE'), ('building', 'spawning', 'BUILD'),
    ('stopped', None, 'SHUTOFF'), ('stopped', 'resize_prep', 'RESIZE'),
    ('error', 'rebuilding', 'REBUILD'), ('error', None, 'ERROR'),
    ('resized', None, 'VERIFY_RESIZE'), ('paused', None, 'PAUSED'),
    ('suspended', None, 'SUSPENDED'), ('deleted', None, 'DELETED'),
    ('no-such-state', None, 'UNKNOWN'),
])
def test_status(vm_state, task_state, shown):
    assert status.status(vm_state, task_state) == shown


@pytest.mark.parametrize('name', ['ACTIVE', 'REBOOT', 'HARD_REBOOT',
                                  'SHUTOFF', 'RESIZE', 'BUILD', 'ERROR'])
def test_states_for_is_the_inverse_of_status(name):
    vm_states, task_states = status.states_for(name)
    for vm_state in vm_states:
        for task_state in task_states:
            assert status.status(vm_state, task_state) == name
    assert status.states_for('nonsense') == (set(), set())
