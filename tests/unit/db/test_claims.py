"""Claims on compute nodes: atomic, exact, given back exactly once."""
import threading

from nova_core import exception
from nova_core.db import instances, services


def _node(ram=4096, vcpus=8):
    services.register('host1', 'nova-compute', 'compute')
    return services.node_update('host1', {
        'hypervisor_hostname': 'host1', 'hypervisor_type': 'fake',
        'vcpus': vcpus, 'memory_mb': ram, 'local_gb': 100,
        'reserved_memory_mb': 512})


def _instances(count, ram=512):
    return instances.create([{
        'display_name': 'i%d' % i, 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': ram,
        'root_gb': 1, 'vm_state': 'building', 'task_state': 'scheduling'}
        for i in range(count)])


def test_concurrent_claims_never_overcommit(db):
    node = _node(ram=4096)  # (4096 - 512 reserved) / 512 = 7 fit
    candidates = _instances(20)
    results = []

    def claim(uuid):
        results.append(instances.claim(uuid, node['id'], 'host1', 'host1'))

    threads = [threading.Thread(target=claim, args=(i['uuid'],))
               for i in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.count(True) == 7
    (node,) = services.node_get_all()
    assert (node['memory_mb_used'], node['vcpus_used'],
            node['running_vms']) == (7 * 512, 7, 7)
    placed = instances.get_all({'host': 'host1'})
    assert len(placed) == 7


def test_release_and_destroy_give_back_once(db):
    node = _node()
    first, second = _instances(2)
    assert instances.claim(first['uuid'], node['id'], 'host1', 'host1')
    assert instances.claim(second['uuid'], node['id'], 'host1', 'host1')
    released = instances.release_claim(first['uuid'], {'vm_state': 'error'})
    assert released['host'] is None and released['vm_state'] == 'error'
    instances.release_claim(first['uuid'])  # nothing left to give back
    instances.destroy(second['uuid'])
    (node,) = services.node_get_all()
    assert (node['memory_mb_used'], node['running_vms']) == (0, 0)


def test_claim_of_deleted_instance(db):
    node = _node()
    (inst,) = _instances(1)
    instances.destroy(inst['uuid'])
    try:
        instances.claim(inst['uuid'], node['id'], 'host1', 'host1')
    except exception.InstanceNotFound:
        pass
    else:
        raise AssertionError('claimed a deleted instance')


def test_conditional_update(db):
    (inst,) = _instances(1)
    updated = instances.update(inst['uuid'], {'task_state': 'spawning'},
                               expected_task_state='scheduling')
    assert updated['task_state'] == 'spawning'
    try:
        instances.update(inst['uuid'], {'task_state': 'spawning'},
                         expected_task_state='scheduling')
    except exception.InstanceTaskStateConflict as exc:
        assert 'spawning' in exc.format_message()
    else:
        raise AssertionError('update from a stale state succeeded')
    assert instances.update(inst['uuid'], {'task_state': None},
                            expected_task_state=(None, 'spawning'))[
        'task_state'] is None
