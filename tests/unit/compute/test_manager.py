"""The compute manager against the fake driver and a recording conductor."""
import pytest

from nova_core import exception
from nova_core.compute import manager as compute_manager
from nova_core.compute import power_state, reconcile
from nova_core.conf import CONF
from nova_core.context import get_admin_context
from nova_core_drivers.fake import driver as fake_driver


class Conductor:
    """Keeps instances in a dict and records calls, as a conductor would."""

    def __init__(self, instances):
        self.instances = {i['uuid']: dict(i) for i in instances}
        self.calls = []

    def instance_get_all_by_host(self, ctxt, host):
        return [dict(i) for i in self.instances.values()
                if i['host'] == host]

    def instance_update(self, ctxt, uuid, values, expected_task_state=(),
                        event=None):
        self.calls.append(('update', uuid, values, event))
        inst = self.instances.get(uuid)
        if inst is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        expected = expected_task_state
        if expected != () and inst['task_state'] not in (
                expected if isinstance(expected, tuple) else (expected,)):
            raise exception.InstanceTaskStateConflict(
                instance_uuid=uuid, actual=inst['task_state'],
                action='update', expected=expected)
        inst.update(values)
        return dict(inst)

    def instance_destroy(self, ctxt, uuid):
        self.calls.append(('destroy', uuid))
        self.instances.pop(uuid)

    def instance_build_failed(self, ctxt, uuid, message, details, host,
                              event=None):
        self.calls.append(('build_failed', uuid, message))
        self.instances[uuid].update(vm_state='error', task_state=None,
                                    host=None)

    def instance_fault_create(self, ctxt, uuid, code, message, details,
                              host):
        self.calls.append(('fault', uuid, message))

    def action_event_start(self, *args):
        self.calls.append(('event_start',) + args[2:3])

    def action_event_finish(self, *args, **kwargs):
        self.calls.append(('event_finish',) + args[2:4])


def _instance(uuid, vm_state='active', task_state=None, host='h1'):
    return {'uuid': uuid, 'name': 'instance-%s' % uuid, 'host': host,
            'display_name': uuid, 'vm_state': vm_state,
            'task_state': task_state, 'power_state': 1}


@pytest.fixture
def manager(conf):
    conf.config(host='h1')
    driver = fake_driver.FakeDriver(CONF)
    driver.init_host('h1')
    return compute_manager.ComputeManager(CONF, driver, Conductor([]))


def test_build_then_stop_and_start(manager):
    ctxt = get_admin_context()
    inst = _instance('a', 'building', 'scheduling')
    manager.conductor.instances['a'] = dict(inst)
    manager.build_and_run_instance(ctxt, inst, image_meta={'id': 'img'})
    assert manager.conductor.instances['a']['vm_state'] == 'active'
    events = [c[3]['phase'] for c in manager.conductor.calls
              if c[0] == 'update' and c[3]]
    assert events == ['start', 'finish']
    manager.conductor.instances['a']['task_state'] = 'powering-off'
    manager.stop_instance(ctxt, manager.conductor.instances['a'])
    shown = manager.conductor.instances['a']
    assert (shown['vm_state'], shown['power_state']) == (
        'stopped', power_state.SHUTDOWN)


def test_build_of_instance_deleted_meanwhile_does_nothing(manager):
    ctxt = get_admin_context()
    manager.build_and_run_instance(
        ctxt, _instance('gone', 'building', 'scheduling'), image_meta={})
    assert manager.driver.list_instances() == []


def test_failed_build_is_cleaned_and_reported(manager, conf):
    conf.config(group='fake', fail_operations=['spawn'],
                fail_instance_names=None)
    ctxt = get_admin_context()
    inst = _instance('b', 'building', 'scheduling')
    manager.conductor.instances['b'] = dict(inst)
    manager.build_and_run_instance(ctxt, inst, image_meta={})
    assert manager.conductor.instances['b']['vm_state'] == 'error'
    assert any(c[0] == 'build_failed' for c in manager.conductor.calls)
    assert manager.driver.list_instances() == []


def test_reconcile_settles_every_interrupted_state(manager, conf):
    ctxt = get_admin_context()
    conductor = manager.conductor
    for inst in (_instance('run'), _instance('lost'),
                 _instance('half-built', 'building', 'spawning'),
                 _instance('deleting', task_state='deleting'),
                 _instance('rebooting', task_state='rebooting')):
        conductor.instances[inst['uuid']] = inst
    for uuid in ('run', 'rebooting', 'half-built'):
        manager.driver.spawn(ctxt, conductor.instances[uuid], {})
    reconcile.reconcile_host(manager, ctxt)
    got = {u: (i['vm_state'], i['task_state'])
           for u, i in conductor.instances.items()}
    assert got == {'run': ('active', None), 'lost': ('stopped', None),
                   'half-built': ('error', None),
                   'rebooting': ('active', None)}
    assert set(manager.driver.list_instances()) == {'run', 'rebooting'}


def test_reconcile_resumes_guests_when_asked(manager, conf):
    conf.config(resume_guests_state_on_host_boot=True)
    manager.conductor.instances['lost'] = _instance('lost')
    reconcile.reconcile_host(manager, get_admin_context())
    assert manager.conductor.instances['lost']['vm_state'] == 'active'
    assert manager.driver.list_instances() == ['lost']


def test_lifecycle_events_of_busy_instances_are_left_to_the_operation(
        manager):
    from nova_core.virt.driver import LifecycleEvent
    ctxt = get_admin_context()
    manager.conductor.instances['c'] = _instance('c')
    with manager.instance_locks('c'):
        manager.handle_lifecycle_event(ctxt, LifecycleEvent('c', 4))
    assert manager.conductor.calls == []
    manager.handle_lifecycle_event(ctxt, LifecycleEvent('c', 4))
    assert manager.conductor.instances['c']['vm_state'] == 'stopped'
