"""Events other services report, as the compute manager handles them
(the fake driver, the recording conductor of test_manager)."""
import logging

import pytest

from nova_core.compute import manager as compute_manager
from nova_core.compute import power_state
from nova_core.conf import CONF
from nova_core.context import get_admin_context
from nova_core_drivers.fake import driver as fake_driver
from tests.unit.compute.test_manager import Conductor, _instance


@pytest.fixture
def manager(conf, tmp_path):
    conf.config(host='h1', state_path=str(tmp_path))
    driver = fake_driver.FakeDriver(CONF)
    driver.init_host('h1')
    return compute_manager.ComputeManager(CONF, driver, Conductor([]))


@pytest.fixture
def running(manager):
    ctxt = get_admin_context()
    inst = _instance('a', 'building', 'scheduling')
    manager.conductor.instances['a'] = dict(inst)
    manager.build_and_run_instance(ctxt, inst, image_meta={'id': 'img'})
    manager.conductor.calls.clear()
    return manager.conductor.instances['a']


def _event(name, tag=None, uuid='a'):
    return {'name': name, 'tag': tag, 'status': 'completed',
            'instance_uuid': uuid}


def _send(manager, instance, *events, host='h1'):
    manager.external_instance_event(get_admin_context(), [dict(instance)],
                                    list(events), host=host)


def test_power_off_then_on(manager, running):
    _send(manager, running, _event('power-update', 'POWER_OFF'))
    shown = manager.conductor.instances['a']
    assert (shown['vm_state'], shown['power_state']) == (
        'stopped', power_state.SHUTDOWN)
    assert manager.driver.instance_power_state(shown) == power_state.SHUTDOWN
    assert ('event_start', 'compute_power_update') in manager.conductor.calls
    _send(manager, shown, _event('power-update', 'POWER_ON'))
    shown = manager.conductor.instances['a']
    assert (shown['vm_state'], shown['power_state']) == (
        'active', power_state.RUNNING)


@pytest.mark.parametrize('changes, tag', [
    ({}, 'POWER_ON'),                            # already on
    ({'task_state': 'rebooting'}, 'POWER_OFF'),  # a task is under way
    ({'vm_state': 'paused'}, 'POWER_OFF'),
])
def test_power_update_out_of_state_is_a_no_op(manager, running, changes,
                                              tag):
    running.update(changes)
    _send(manager, running, _event('power-update', tag))
    assert not [c for c in manager.conductor.calls if c[0] == 'update']
    assert manager.driver.instance_power_state(running) == \
        power_state.RUNNING


def test_power_update_preempted_by_a_task(manager, running):
    """The API started a task after the event was sent: the update is
    conditional on no task, so the task's outcome stands."""
    manager.conductor.instances['a']['task_state'] = 'powering-on'
    _send(manager, running, _event('power-update', 'POWER_OFF'))
    assert manager.conductor.instances['a']['vm_state'] == 'active'


@pytest.mark.parametrize('name', ['network-changed', 'network-vif-plugged',
                                  'network-vif-unplugged', 'volume-extended',
                                  'volume-reimaged'])
def test_other_events_change_nothing(manager, running, name, caplog):
    caplog.set_level(logging.DEBUG)
    _send(manager, running, _event(name, 'tag-1'))
    assert manager.conductor.calls == []
    assert 'tag-1' in caplog.text


def test_events_for_another_host_are_dropped(manager, running):
    _send(manager, running, _event('power-update', 'POWER_OFF'), host='h2')
    assert manager.conductor.calls == []
    assert manager.conductor.instances['a']['vm_state'] == 'active'


def test_event_for_an_instance_not_sent_is_dropped(manager, running):
    _send(manager, running, _event('power-update', 'POWER_OFF', uuid='b'))
    assert manager.conductor.calls == []
