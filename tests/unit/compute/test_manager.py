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
        self.deleted = {}  # uuid -> instance, as deleted rows
        self.calls = []

    def instance_get_deleted(self, ctxt, uuids):
        return [dict(self.deleted[u]) for u in uuids if u in self.deleted]

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
        self.deleted[uuid] = self.instances.pop(uuid)

    def instance_build_failed(self, ctxt, uuid, message, details, host,
                              event=None):
        self.calls.append(('build_failed', uuid, message))
        self.instances[uuid].update(vm_state='error', task_state=None,
                                    host=None)

    def instance_build_started(self, ctxt, uuid, host, event):
        inst = self.instances.get(uuid)
        if inst is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        if inst['host'] != host or inst['task_state'] != 'scheduling':
            raise exception.InstanceTaskStateConflict(
                instance_uuid=uuid, actual=inst['task_state'],
                action='build', expected='scheduling')
        self.calls.append(('update', uuid, {'task_state': 'spawning'},
                           event))
        inst.update(task_state='spawning')
        return dict(inst)

    def reschedule_build(self, ctxt, uuid, host, reason, restarted=False,
                         event=None):
        self.calls.append(('reschedule', uuid, host, restarted))
        self.instances[uuid].update(task_state='scheduling', host=None)
        return True

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
def manager(conf, tmp_path):
    conf.config(host='h1', state_path=str(tmp_path))
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


def test_failed_spawn_is_cleaned_and_rescheduled(manager, conf):
    conf.config(group='fake', fail_operations=['spawn'],
                fail_instance_names=None)
    ctxt = get_admin_context()
    inst = _instance('b', 'building', 'scheduling')
    manager.conductor.instances['b'] = dict(inst)
    manager.build_and_run_instance(ctxt, inst, image_meta={})
    assert ('reschedule', 'b', 'h1', False) in manager.conductor.calls
    assert not any(c[0] == 'build_failed' for c in manager.conductor.calls)
    assert manager.driver.list_instances() == []


def test_build_that_would_fail_anywhere_is_not_rescheduled(manager,
                                                          monkeypatch):
    def spawn(*args, **kwargs):
        raise exception.FlavorDiskTooSmall()
    monkeypatch.setattr(manager.driver, 'spawn', spawn)
    inst = _instance('d', 'building', 'scheduling')
    manager.conductor.instances['d'] = dict(inst)
    manager.build_and_run_instance(get_admin_context(), inst, image_meta={})
    assert manager.conductor.instances['d']['vm_state'] == 'error'
    assert [c[0] for c in manager.conductor.calls
            if c[0] in ('build_failed', 'reschedule')] == ['build_failed']


def test_build_message_of_a_build_placed_elsewhere_is_dropped(manager):
    """A build re-scheduled to another host left its message here."""
    inst = _instance('moved', 'building', 'scheduling', host='h2')
    manager.conductor.instances['moved'] = dict(inst)
    manager.build_and_run_instance(get_admin_context(),
                                   dict(inst, host='h1'), image_meta={})
    assert manager.driver.list_instances() == []
    assert manager.conductor.instances['moved']['task_state'] == 'scheduling'


def test_resource_report_carries_driver_capabilities(manager):
    assert manager.resources()['capabilities'] == {
        'supports_migrate_to_other_host': True,
        'supports_live_migration': True,
        'supports_attach_interface': True}


def test_reconcile_settles_every_interrupted_state(manager, conf):
    ctxt = get_admin_context()
    conductor = manager.conductor
    for inst in (_instance('run'), _instance('lost'),
                 _instance('half-built', 'building', 'spawning'),
                 _instance('not-started', 'building', 'spawning'),
                 _instance('queued', 'building', 'scheduling'),
                 _instance('deleting', task_state='deleting'),
                 _instance('rebooting', task_state='rebooting')):
        conductor.instances[inst['uuid']] = inst
    for uuid in ('run', 'rebooting', 'half-built'):
        manager.driver.spawn(ctxt, conductor.instances[uuid], {})
    reconcile.reconcile_host(manager, ctxt)
    got = {u: (i['vm_state'], i['task_state'])
           for u, i in conductor.instances.items()}
    # Interrupted builds are not failed: they are scheduled again.
    assert got == {'run': ('active', None), 'lost': ('stopped', None),
                   'half-built': ('building', 'scheduling'),
                   'not-started': ('building', 'scheduling'),
                   'queued': ('building', 'scheduling'),
                   'rebooting': ('active', None)}
    assert sorted(c[1] for c in conductor.calls if c[0] == 'reschedule') \
        == ['half-built', 'not-started', 'queued']
    assert all(c[3] for c in conductor.calls if c[0] == 'reschedule')
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


@pytest.mark.parametrize('method,task_state,kwargs,vm_state,power', [
    ('start_instance', 'powering-on', {}, 'active', power_state.RUNNING),
    ('reboot_instance', 'rebooting_hard', {'reboot_type': 'HARD'}, 'active',
     power_state.RUNNING),
    ('stop_instance', 'powering-off', {}, 'stopped', power_state.NOSTATE),
])
def test_a_missing_guest_is_recreated_or_is_off(manager, method, task_state,
                                                kwargs, vm_state, power):
    ctxt = get_admin_context()
    inst = _instance('m', 'stopped', task_state)
    inst.update(flavor={'name': 'tiny'}, image_ref='img')
    manager.conductor.instances['m'] = dict(inst)
    getattr(manager, method)(ctxt, inst, **kwargs)
    shown = manager.conductor.instances['m']
    assert (shown['vm_state'], shown['task_state'], shown['power_state']) \
        == (vm_state, None, power)
    assert ('event_finish', 'compute_' + method) in [
        c[:2] for c in manager.conductor.calls]


@pytest.mark.parametrize('method,task_state', [
    ('unpause_instance', 'unpausing'), ('resume_instance', 'resuming'),
    ('pause_instance', 'pausing')])
def test_a_missing_guest_that_cannot_come_back_is_an_error(manager, method,
                                                           task_state):
    ctxt = get_admin_context()
    inst = _instance('m', 'paused', task_state)
    manager.conductor.instances['m'] = dict(inst)
    with pytest.raises(exception.VirtDriverError):
        getattr(manager, method)(ctxt, inst)
    shown = manager.conductor.instances['m']
    assert (shown['vm_state'], shown['task_state']) == ('error', None)
    (fault,) = [c for c in manager.conductor.calls if c[0] == 'fault']
    assert 'a hard reboot recreates it' in fault[2]


def test_a_snapshot_of_a_missing_guest_clears_its_task(manager):
    ctxt = get_admin_context()
    inst = _instance('m', 'active', 'image_snapshot')
    manager.conductor.instances['m'] = dict(inst)
    with pytest.raises(exception.InstanceNotFound):
        manager.snapshot_instance(ctxt, inst, image_id='img2')
    assert manager.conductor.instances['m']['task_state'] is None


def test_guests_outlive_the_driver(manager, conf):
    ctxt = get_admin_context()
    for uuid, operation in (('run', None), ('off', 'power_off'),
                            ('paused', 'pause'), ('susp', 'suspend')):
        inst = _instance(uuid)
        manager.driver.spawn(ctxt, inst, {'id': 'img'})
        if operation == 'suspend':
            manager.driver.suspend(ctxt, inst)
        elif operation is not None:
            getattr(manager.driver, operation)(inst)
    again = fake_driver.FakeDriver(CONF)
    again.init_host('h1')
    assert {u: again.instance_power_state({'uuid': u})
            for u in again.list_instances()} == {
        'run': power_state.RUNNING, 'off': power_state.SHUTDOWN,
        'paused': power_state.PAUSED, 'susp': power_state.SUSPENDED}
    other_host = fake_driver.FakeDriver(CONF)
    other_host.init_host('h2')
    assert other_host.list_instances() == []


@pytest.mark.parametrize('action,left', [
    ('reap', {'live', 'unknown'}),
    ('log', {'live', 'unknown', 'gone'}),
    ('noop', {'live', 'unknown', 'gone'})])
def test_guests_of_deleted_servers_are_reaped_at_start(manager, conf,
                                                       action, left):
    conf.config(running_deleted_instance_action=action)
    ctxt = get_admin_context()
    for uuid in ('live', 'unknown', 'gone'):
        manager.driver.spawn(ctxt, _instance(uuid), {})
    manager.conductor.instances['live'] = _instance('live')
    manager.conductor.deleted['gone'] = _instance('gone')
    reconcile.reconcile_host(manager, ctxt)
    assert set(manager.driver.list_instances()) == left


def test_guests_of_deleted_servers_are_reaped_periodically(manager, conf):
    ctxt = get_admin_context()
    manager.driver.spawn(ctxt, _instance('gone'), {})
    manager.conductor.deleted['gone'] = _instance('gone')
    conf.config(running_deleted_instance_action='shutdown')
    reconcile.reap_running_deleted(manager, ctxt)
    assert manager.driver.instance_power_state(
        {'uuid': 'gone'}) == power_state.SHUTDOWN
    conf.config(running_deleted_instance_action='reap')
    assert [i['uuid'] for i in reconcile.reap_running_deleted(
        manager, ctxt)] == ['gone']
    assert manager.driver.list_instances() == []
