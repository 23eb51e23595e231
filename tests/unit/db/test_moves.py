"""A resize's claims: the new flavor on the destination, the old one on
the source until confirm, each given back exactly once."""
from nova_core import exception
from nova_core.conductor import resize as conductor_resize
from nova_core.db import instances, moves, services

TINY = {'flavorid': '1', 'name': 'tiny', 'vcpus': 1, 'memory_mb': 512,
        'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0}
SMALL = {'flavorid': '2', 'name': 'small', 'vcpus': 2, 'memory_mb': 2048,
         'root_gb': 20, 'ephemeral_gb': 0, 'swap': 0}


def _node(host, ram=8192):
    services.register(host, 'nova-compute', 'compute')
    return services.node_update(host, {
        'hypervisor_hostname': host, 'hypervisor_type': 'fake',
        'vcpus': 8, 'memory_mb': ram, 'local_gb': 100})


def _used(host):
    (node,) = services.node_get_all(host)
    return (node['vcpus_used'], node['memory_mb_used'],
            node['local_gb_used'], node['running_vms'])


def _placed(node):
    inst = instances.create({
        'display_name': 'vm', 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': TINY, 'vcpus': 1, 'memory_mb': 512,
        'root_gb': 1, 'vm_state': 'active', 'task_state': 'resize_prep'})
    assert instances.claim(inst['uuid'], node['id'], node['host'],
                           node['host'])
    return instances.get(inst['uuid'])


def _migration(inst, dest):
    migration = moves.create({
        'instance_uuid': inst['uuid'], 'source_compute': inst['host'],
        'source_node': inst['node'], 'old_flavor': TINY,
        'new_flavor': SMALL})
    return moves.claim_destination(migration['id'], dest, dest)


def _finish(inst, migration):
    for step in ('migrating', 'post-migrating', 'finishing'):
        conductor_resize.step(None, inst['uuid'], migration['id'], step)
    return conductor_resize.step(None, inst['uuid'], migration['id'],
                                 'finished', {'power_state': 1})


def test_resize_to_other_host_then_confirm(db):
    source, _ = _node('h1'), _node('h2')
    inst = _placed(source)
    migration = _migration(inst, 'h2')
    assert _used('h2') == (2, 2048, 20, 1)
    resized = _finish(inst, migration)
    assert (resized['host'], resized['vcpus'], resized['vm_state']) == (
        'h2', 2, 'resized')
    assert resized['system_metadata']['old_vm_state'] == 'active'
    assert _used('h1') == (1, 512, 1, 1)  # kept until confirmed
    moves.set_status(migration['id'], 'confirming', expected=('finished',))
    confirmed = conductor_resize.step(None, inst['uuid'], migration['id'],
                                      'confirmed')
    assert (confirmed['vm_state'], confirmed['task_state']) == ('active',
                                                                None)
    assert _used('h1') == (0, 0, 0, 0)
    assert _used('h2') == (2, 2048, 20, 1)


def test_revert_gives_back_the_destination(db):
    source, _ = _node('h1'), _node('h2')
    inst = _placed(source)
    migration = _migration(inst, 'h2')
    _finish(inst, migration)
    moves.set_status(migration['id'], 'reverting', expected=('finished',))
    instances.update(inst['uuid'], {'task_state': 'resize_reverting'})
    reverted = conductor_resize.step(None, inst['uuid'], migration['id'],
                                     'reverted', {'power_state': 4})
    assert (reverted['host'], reverted['vcpus'], reverted['vm_state']) == (
        'h1', 1, 'stopped')
    assert _used('h1') == (1, 512, 1, 1)
    assert _used('h2') == (0, 0, 0, 0)
    assert moves.get(migration['id'])['status'] == 'reverted'


def test_same_node_claims_both_flavors_once_as_one_vm(db):
    node = _node('h1')
    inst = _placed(node)
    migration = _migration(inst, 'h1')
    assert _used('h1') == (3, 2560, 21, 1)
    instances.destroy(inst['uuid'])  # deleted mid-resize
    assert _used('h1') == (0, 0, 0, 0)
    assert moves.get(migration['id'])['status'] == 'error'


def test_full_destination_is_not_claimed(db):
    source, _ = _node('h1'), _node('h2', ram=1024)
    inst = _placed(source)
    assert _migration(inst, 'h2') is None
    assert _used('h2') == (0, 0, 0, 0)


def test_failed_step_gives_back_once_and_errors(db):
    source, _ = _node('h1'), _node('h2')
    inst = _placed(source)
    migration = _migration(inst, 'h2')
    conductor_resize.step(None, inst['uuid'], migration['id'], 'migrating')
    failed = conductor_resize.step(None, inst['uuid'], migration['id'],
                                   'failed', {'message': 'boom'})
    assert failed['vm_state'] == 'error'
    assert _used('h2') == (0, 0, 0, 0)
    try:
        moves.finish(migration['id'], 'confirmed', ('confirming',))
    except exception.MigrationStatusConflict:
        pass
    else:
        raise AssertionError('an errored migration was finished again')
    assert _used('h2') == (0, 0, 0, 0)
