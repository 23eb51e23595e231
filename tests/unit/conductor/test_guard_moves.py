"""The guard on the live migration and evacuation calls: each step comes
from its end of the migration, with its own values; a host learns only of
its own evacuations; starting either move is a controller's."""
import pytest

from nova_core.compute import power_state, task_states, vm_states
from nova_core.db import instances, moves
from nova_core.db import services as db_services
from tests.unit.conductor.test_guard import H1, H2, Cloud, _refused


@pytest.fixture
def cloud(db):
    return Cloud()


def _migration(uuid, kind, status, source=H1, dest=H2):
    return moves.create({
        'instance_uuid': uuid, 'source_compute': source,
        'source_node': source, 'dest_compute': dest, 'dest_node': dest,
        'old_flavor': {'flavorid': '1', 'vcpus': 1, 'memory_mb': 64,
                       'root_gb': 1},
        'new_flavor': {'flavorid': '1', 'vcpus': 1, 'memory_mb': 64,
                       'root_gb': 1},
        'migration_type': kind, 'status': status})['id']


def _step(c, kind, status, step, values=None, source=H1, dest=H2):
    uuid = c.mine if source == H1 else c.theirs
    return dict(instance_uuid=uuid, step=step, values=values,
                migration_id=_migration(uuid, kind, status, source, dest))


REFUSED = {
    'live step from the wrong end': ('move_step', lambda c: _step(
        c, 'live-migration', 'post-migrating', 'completed')),
    'live step of another type': ('move_step', lambda c: _step(
        c, 'live-migration', 'preparing', 'done', {'vm_state': 'active'})),
    'live step with a foreign field': ('move_step', lambda c: _step(
        c, 'live-migration', 'preparing', 'running', {'host': H1})),
    'resize migration through move_step': ('move_step', lambda c: _step(
        c, 'resize', 'migrating', 'running')),
    'evacuation done by the source': ('move_step', lambda c: _step(
        c, 'evacuation', 'accepted', 'done', {'vm_state': 'active'})),
    'evacuation done into a bad state': ('move_step', lambda c: _step(
        c, 'evacuation', 'accepted', 'done', {'vm_state': 'deleted'},
        source=H2, dest=H1)),
    'evacuation completed by the destination': ('move_step', lambda c: _step(
        c, 'evacuation', 'done', 'completed', source=H2, dest=H1)),
    'migration of another instance': ('move_step', lambda c: dict(
        _step(c, 'live-migration', 'preparing', 'running'),
        instance_uuid=c.theirs)),
    'another host\'s evacuations': ('evacuated_instances', lambda c: dict(
        host=H2, instance_uuids=[c.theirs])),
    'evacuations of no list': ('evacuated_instances', lambda c: dict(
        host=H1, instance_uuids='all')),
    'start a live migration': ('live_migrate_instance', lambda c: dict(
        instance={'uuid': c.mine}, host=None, force=False, async_=False)),
    'start an evacuation': ('evacuate_instance', lambda c: dict(
        instance={'uuid': c.mine}, host=None, force=False, image_meta={})),
}


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refused_changes_nothing_and_is_logged(cloud, caplog, name):
    method, kwargs = REFUSED[name]
    _refused(cloud, caplog, method, **kwargs(cloud))


def _used(host):
    return [n for n in db_services.node_get_all()
            if n['host'] == host][0]['running_vms']


def test_live_migration_steps_from_each_end(cloud):
    uuid = cloud.mine
    instances.update(uuid, {'task_state': task_states.MIGRATING})
    mid = _migration(uuid, 'live-migration', 'preparing')
    source_before, dest_before = _used(H1), _used(H2)
    for host, step in ((H1, 'running'), (H1, 'post-migrating')):
        cloud.call('move_step', as_host=host, instance_uuid=uuid,
                   migration_id=mid, step=step)
    done = cloud.call('move_step', as_host=H2, instance_uuid=uuid,
                      migration_id=mid, step='completed',
                      values={'power_state': power_state.RUNNING})
    assert (done['host'], done['task_state'], done['vm_state']) == (
        H2, None, vm_states.ACTIVE)
    assert moves.get(mid)['status'] == 'completed'
    # The source's claim is given back; the destination's (claimed by the
    # conductor before, not here) is the instance's now.
    assert (_used(H1), _used(H2)) == (source_before - 1, dest_before)


def test_a_host_learns_of_its_own_evacuations(cloud):
    mid = _migration(cloud.theirs, 'evacuation', 'done', source=H1,
                     dest=H2)
    _migration(cloud.mine, 'evacuation', 'done', source=H2, dest=H1)
    found = cloud.call('evacuated_instances', host=H1,
                       instance_uuids=[cloud.mine, cloud.theirs])
    assert [m['id'] for m in found] == [mid]
    cloud.call('move_step', as_host=H1, instance_uuid=cloud.theirs,
               migration_id=mid, step='completed')
    assert moves.get(mid)['status'] == 'completed'
    assert cloud.call('evacuated_instances', host=H1,
                      instance_uuids=[cloud.theirs]) == []
