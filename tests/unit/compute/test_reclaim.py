"""Reclaiming soft-deleted instances: the compute task and the conductor
queries it relies on, against a database of the test's own."""
import datetime
from unittest import mock

import oslo_messaging as messaging
import pytest

from nova_core import exception
from nova_core.compute import reclaim
from nova_core.compute import service as compute_service
from nova_core.conductor import manager as conductor_manager
from nova_core.conf import CONF
from nova_core.context import get_admin_context
from nova_core.db import instances
from nova_core.db.models import utcnow


class Manager:
    """What the reclaim task uses of the compute manager."""

    def __init__(self, host='host1', fail=()):
        self.conf, self.host = CONF, host
        # The conductor's endpoint itself, called directly (no RPC, so
        # without the compute client its constructor makes).
        self.conductor = object.__new__(conductor_manager.ConductorManager)
        self.conductor.conf = CONF
        self.terminated, self.fail = [], fail

    def terminate_instance(self, context, instance):
        if instance['uuid'] in self.fail:
            raise RuntimeError('hypervisor said no')
        self.terminated.append(instance['uuid'])
        instances.destroy(instance['uuid'])


def _instance(vm_state='soft-delete', task_state=None, host='host1',
              age=100):
    return instances.create({
        'display_name': 'i', 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': 64,
        'root_gb': 1, 'vm_state': vm_state, 'task_state': task_state,
        'host': host, 'deleted_at': utcnow() - datetime.timedelta(
            seconds=age)})['uuid']


def test_reclaims_only_old_enough_soft_deleted_of_its_host(db, conf):
    conf.config(reclaim_instance_interval=60)
    old = _instance()
    young = _instance(age=10)
    busy = _instance(task_state='restoring')
    active = _instance(vm_state='active')
    elsewhere = _instance(host='host2')
    manager = Manager()
    assert reclaim.reclaim_queued_deletes(manager, get_admin_context()) == 1
    assert manager.terminated == [old]
    for uuid in (young, busy, active, elsewhere):
        assert instances.get(uuid)['deleted'] == 0


def test_nothing_when_soft_delete_is_off(db, conf):
    _instance()
    conf.config(reclaim_instance_interval=0)
    manager = Manager()
    assert reclaim.reclaim_queued_deletes(manager, get_admin_context()) == 0
    assert manager.terminated == []


def test_restored_meanwhile_is_left_alone(db, conf):
    """The instance was listed, then restored before the reclaim took it:
    only a soft-deleted instance with no task is moved to deleting."""
    conf.config(reclaim_instance_interval=60)
    uuid = _instance()
    ctxt = get_admin_context()
    manager = Manager()
    listed = manager.conductor.instance_get_reclaimable(ctxt, 'host1', 60)
    assert [i['uuid'] for i in listed] == [uuid]
    instances.update(uuid, {'vm_state': 'active', 'deleted_at': None})
    with pytest.raises(messaging.ExpectedException) as caught:
        manager.conductor.instance_start_reclaim(ctxt, uuid)
    assert isinstance(caught.value.exc_info[1],
                      exception.InstanceTaskStateConflict)
    assert instances.get(uuid)['task_state'] is None


def test_one_failure_does_not_stop_the_others_and_is_retried(db, conf):
    conf.config(reclaim_instance_interval=60)
    bad, good = _instance(), _instance()
    manager = Manager(fail=(bad,))
    assert reclaim.reclaim_queued_deletes(manager, get_admin_context()) == 1
    assert manager.terminated == [good]
    failed = instances.get(bad)
    assert (failed['vm_state'], failed['task_state']) == ('soft-delete',
                                                          None)
    manager.fail = ()
    assert reclaim.reclaim_queued_deletes(manager, get_admin_context()) == 1
    assert manager.terminated == [good, bad]
    assert instances.get(bad, read_deleted='yes')['deleted'] != 0


@pytest.mark.parametrize('interval,spacing', [(0, 60), (-1, 60), (5, 5)])
def test_task_spacing(conf, interval, spacing):
    conf.config(reclaim_instance_interval=interval)
    assert reclaim.spacing(CONF) == spacing


def test_compute_service_runs_the_task(conf, monkeypatch):
    conf.config(reclaim_instance_interval=7)
    created = {}

    class Service:
        def __init__(self, *args, tasks=(), **kwargs):
            created['tasks'] = tasks

    monkeypatch.setattr(compute_service.service, 'Service', Service)
    monkeypatch.setattr(compute_service.conductor_rpcapi, 'ConductorAPI',
                        mock.create_autospec(
                            compute_service.conductor_rpcapi.ConductorAPI))
    compute_service.create_service(CONF)
    assert 7 in [interval for interval, _ in created['tasks']]
