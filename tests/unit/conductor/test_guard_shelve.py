"""The guard on the shelve and backup calls: a compute host reports the
shelve steps of its own instances only, with the values of each step, and
unshelving is a controller's."""
import datetime
import uuid as uuid_lib

import pytest

from nova_core import exception
from nova_core.compute import power_state, task_states, vm_states
from nova_core.db import images as db_images
from nova_core.db import instances
from nova_core.db import services as db_services
from tests.unit.conductor.test_guard import H1, H2, Cloud, _refused


@pytest.fixture
def cloud(db):
    return Cloud()


REFUSED = {
    'shelve step of another host\'s instance': ('shelve_step', lambda c: dict(
        instance_uuid=c.theirs, step='offloaded')),
    'unknown shelve step': ('shelve_step', lambda c: dict(
        instance_uuid=c.mine, step='deleted')),
    'shelved with a foreign field': ('shelve_step', lambda c: dict(
        instance_uuid=c.mine, step='shelved', values={
            'image_id': 'i', 'offload': True, 'power_state': 4,
            'host': H2})),
    'shelved with a bad power state': ('shelve_step', lambda c: dict(
        instance_uuid=c.mine, step='shelved', values={
            'image_id': 'i', 'offload': True, 'power_state': 99})),
    'unshelve failure in another host\'s name': ('shelve_step', lambda c: dict(
        instance_uuid=c.mine, step='unshelve_failed', values={
            'message': 'm', 'host': H2})),
    'backups of another host\'s instance': ('instance_backups', lambda c:
                                            dict(instance_uuid=c.theirs,
                                                 backup_type='daily')),
    'backups of no type': ('instance_backups', lambda c: dict(
        instance_uuid=c.mine, backup_type=None)),
    'unshelve an instance': ('unshelve_instance', lambda c: dict(
        instance={'uuid': c.mine}, request_spec={})),
    'shelving offload outside a shelve': ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'task_state': 'shelving_offloading'},
        expected_task_state='shelving')),
    'rescued outside a rescue': ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'vm_state': 'rescued'},
        expected_task_state=None)),
}


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refused_changes_nothing_and_is_logged(cloud, caplog, name):
    method, kwargs = REFUSED[name]
    _refused(cloud, caplog, method, **kwargs(cloud))


def _used(host):
    return [n for n in db_services.node_get_all()
            if n['host'] == host][0]['memory_mb_used']


def test_own_shelve_steps_down_to_the_freed_claim(cloud):
    uuid = Cloud.instance(H1, task_state=task_states.SHELVING)
    instances.update(uuid, {'host': None, 'node': None})
    node = [n for n in db_services.node_get_all() if n['host'] == H1][0]
    assert instances.claim(uuid, node['id'], H1, H1)
    used = _used(H1)
    shelved = cloud.call('shelve_step', instance_uuid=uuid, step='shelved',
                         values={'image_id': 'img', 'offload': True,
                                 'power_state': power_state.SHUTDOWN})
    assert (shelved['vm_state'], shelved['task_state']) == (
        vm_states.SHELVED, task_states.SHELVING_OFFLOADING)
    assert shelved['system_metadata']['shelved_host'] == H1
    offloaded = cloud.call('shelve_step', instance_uuid=uuid,
                           step='offloaded')
    assert (offloaded['vm_state'], offloaded['host'], offloaded['node']) == (
        vm_states.SHELVED_OFFLOADED, None, None)
    assert _used(H1) == used - 64
    # Offloaded, it is no host's: a second report is refused.
    with pytest.raises(exception.CallerNotAuthorized):
        cloud.call('shelve_step', instance_uuid=uuid, step='offloaded')


def test_a_step_out_of_turn_is_the_methods_error(cloud):
    with pytest.raises(exception.InstanceTaskStateConflict):
        cloud.call('shelve_step', instance_uuid=cloud.mine, step='offloaded')


def test_backups_newest_first_of_the_type(cloud):
    def backup(name, backup_type, uuid=None):
        return db_images.create({
            'id': str(uuid_lib.uuid4()), 'name': name, 'status': 'active',
            'owner': 'p1',
            'visibility': 'private', 'container_format': 'bare',
            'properties': {'image_type': 'backup',
                           'backup_type': backup_type,
                           'instance_uuid': uuid or cloud.mine}})['id']
    old = backup('a', 'daily')
    # A day older: databases that keep seconds only cannot tie them.
    db_images.update(old, {'created_at': datetime.datetime(2026, 1, 1)})
    backup('b', 'weekly')
    backup('c', 'daily', uuid=cloud.theirs)
    new = backup('d', 'daily')
    assert cloud.call('instance_backups', instance_uuid=cloud.mine,
                      backup_type='daily') == [new, old]
