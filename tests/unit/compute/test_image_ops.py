"""Failures of rebuild and snapshot on the compute host against a delete
that arrived meanwhile: the delete's task_state stays."""
import pytest

from nova_core import exception
from nova_core.compute import image_ops, task_states, vm_states
from nova_core.compute import manager as compute_manager


class Conductor:
    """One instance whose updates honour ``expected_task_state``."""

    def __init__(self, instance):
        self.instance = instance
        self.faults = []

    def instance_update(self, ctxt, uuid, values, expected_task_state=(),
                        event=None):
        expected = (expected_task_state if isinstance(
            expected_task_state, tuple) else (expected_task_state,))
        if expected and self.instance['task_state'] not in expected:
            raise exception.InstanceTaskStateConflict(
                instance_uuid=uuid, action='update', expected=expected,
                actual=self.instance['task_state'])
        self.instance.update(values)
        return dict(self.instance)

    def instance_fault_create(self, ctxt, uuid, code, message, details,
                              host):
        self.faults.append(message)


class Driver:
    image_service = None

    def __init__(self, conductor):
        self.conductor = conductor

    def _deleted_meanwhile(self):
        self.conductor.instance['task_state'] = task_states.DELETING
        raise exception.VirtDriverError(reason='domain went away')

    def rebuild(self, *args, **kwargs):
        self._deleted_meanwhile()

    def snapshot(self, *args, **kwargs):
        self._deleted_meanwhile()

    def instance_power_state(self, instance):
        return 0


class Manager:
    host = 'node1'
    _update = compute_manager.ComputeManager._update
    _fail_action = compute_manager.ComputeManager._fail_action

    def __init__(self, task_state):
        self.conductor = Conductor({'uuid': 'u1', 'task_state': task_state,
                                    'vm_state': vm_states.ACTIVE})
        self.driver = Driver(self.conductor)


@pytest.mark.parametrize('run, task_state', [
    (lambda m: image_ops.rebuild(m, None, dict(m.conductor.instance), {}),
     task_states.REBUILDING),
    (lambda m: image_ops.snapshot(m, None, dict(m.conductor.instance),
                                  'image-1'),
     task_states.IMAGE_SNAPSHOT)])
def test_failure_leaves_a_delete_in_flight_alone(run, task_state):
    manager = Manager(task_state)
    with pytest.raises(exception.VirtDriverError):
        run(manager)
    assert manager.conductor.faults == ['Hypervisor error: domain went away']
    assert manager.conductor.instance['task_state'] == task_states.DELETING
    assert manager.conductor.instance['vm_state'] == vm_states.ACTIVE
