"""The conductor methods compute calls when it stops and when it reaps."""
from nova_core.conductor import manager as conductor_manager
from nova_core.conf import CONF
from nova_core.db import instances, services


def _conductor():
    # The endpoint itself, without the compute client its constructor makes.
    manager = object.__new__(conductor_manager.ConductorManager)
    manager.conf = CONF
    return manager


def _instance():
    return instances.create({
        'display_name': 'i', 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': 64,
        'root_gb': 1, 'vm_state': 'active', 'task_state': None})['uuid']


def test_instance_get_deleted_names_only_deleted_ones(db):
    live, gone = _instance(), _instance()
    instances.destroy(gone)
    found = _conductor().instance_get_deleted(None, [live, gone, 'unknown'])
    assert [i['uuid'] for i in found] == [gone]
    assert _conductor().instance_get_deleted(None, []) == []


def test_service_stopped_marks_it_down(db):
    services.register('h1', 'nova-compute', 'compute')
    _conductor().service_stopped(None, 'h1', 'nova-compute')
    (row,) = services.get_all(host='h1')
    assert not services.is_up(row, CONF.service_down_time)
