"""The compute side of a resize between two fake hosts and on one."""
import pytest

from nova_core import exception
from nova_core.compute import manager as compute_manager
from nova_core.compute import power_state
from nova_core.conf import CONF
from nova_core.context import get_admin_context
from nova_core_drivers.fake import driver as fake_driver

TINY = {'flavorid': '1', 'name': 'tiny', 'vcpus': 1, 'memory_mb': 512,
        'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0}
SMALL = dict(TINY, flavorid='2', name='small', vcpus=2, root_gb=20)


class Conductor:
    """Records the steps and events compute reports."""

    def __init__(self, fail_step=None):
        self.steps, self.events, self.fail_step = [], [], fail_step
        self.deleted = set()

    def resize_step(self, ctxt, uuid, migration_id, step, values=None):
        if step == self.fail_step or uuid in self.deleted:
            self.deleted.add(uuid)  # deleted at that step
            raise exception.InstanceNotFound(instance_id=uuid)
        self.steps.append((step, values))

    def action_event_start(self, ctxt, uuid, event, host):
        self.events.append((event, host))

    def action_event_finish(self, ctxt, uuid, event, result, tb=None):
        self.events.append((event, result))


class Router:
    """Compute RPC casts, delivered to the manager of the named host once
    the caller returned (as a cast is: the caller holds the lock)."""

    def __init__(self, managers):
        self.managers, self.queue = managers, []

    def finish_resize(self, ctxt, instance, migration, disk_info, meta):
        self.queue.append(lambda: self.managers[
            migration['dest_compute']].finish_resize(
                ctxt, instance, migration=migration, disk_info=disk_info,
                image_meta=meta))

    def finish_revert_resize(self, ctxt, instance, migration):
        self.queue.append(lambda: self.managers[
            migration['source_compute']].finish_revert_resize(
                ctxt, instance, migration=migration))

    def drain(self):
        while self.queue:
            self.queue.pop(0)()


@pytest.fixture
def hosts(conf, tmp_path):
    conf.config(state_path=str(tmp_path))
    conductor = Conductor()
    managers = {}
    for host in ('h1', 'h2'):
        driver = fake_driver.FakeDriver(CONF)
        driver.init_host(host)
        managers[host] = compute_manager.ComputeManager(CONF, driver,
                                                        conductor)
        managers[host].host = host
    router = Router(managers)
    for manager in managers.values():
        manager._resize_compute_api = router
    return managers, conductor, router


def _spawned(manager, vm_state='active'):
    instance = {'uuid': 'u1', 'name': 'instance-1', 'display_name': 'vm',
                'host': manager.host, 'node': manager.host, 'vcpus': 1,
                'memory_mb': 512, 'root_gb': 1, 'flavor': TINY,
                'vm_state': vm_state, 'task_state': 'resize_prep',
                'system_metadata': {}}
    manager.driver.spawn(None, instance, {'id': 'img'})
    return instance


def _migration(dest):
    return {'id': 7, 'source_compute': 'h1', 'source_node': 'h1',
            'dest_compute': dest, 'dest_node': dest, 'old_flavor': TINY,
            'new_flavor': SMALL}


@pytest.mark.parametrize('dest', ['h1', 'h2'])
def test_resize_then_confirm(hosts, dest):
    managers, conductor, router = hosts
    ctxt = get_admin_context()
    instance = _spawned(managers['h1'])
    migration = _migration(dest)
    managers['h1'].resize_instance(ctxt, instance, migration=migration,
                                   image_meta={'id': 'img'})
    router.drain()
    assert [s for s, _ in conductor.steps] == [
        'migrating', 'post-migrating', 'finishing', 'finished']
    assert conductor.steps[-1][1] == {'power_state': power_state.RUNNING}
    guest = managers[dest].driver._guests['u1']
    assert guest['flavor'] == SMALL and guest['state'] == 1
    resized = dict(instance, host=dest, flavor=SMALL)
    managers['h1'].confirm_resize(ctxt, resized, migration=migration)
    assert ('u1' in managers['h1'].driver._guests) == (dest == 'h1')
    assert conductor.steps[-1][0] == 'confirmed'
    assert ('compute_confirm_resize', 'Success') in conductor.events


@pytest.mark.parametrize('dest', ['h1', 'h2'])
def test_resize_then_revert_of_stopped_guest(hosts, dest):
    managers, conductor, router = hosts
    ctxt = get_admin_context()
    instance = _spawned(managers['h1'], vm_state='stopped')
    managers['h1'].driver.power_off(instance)
    migration = _migration(dest)
    managers['h1'].resize_instance(ctxt, instance, migration=migration,
                                   image_meta={'id': 'img'})
    router.drain()
    assert conductor.steps[-1] == ('finished',
                                   {'power_state': power_state.SHUTDOWN})
    resized = dict(instance, host=dest, flavor=SMALL, vm_state='resized',
                   system_metadata={'old_vm_state': 'stopped'})
    managers[dest].revert_resize(ctxt, resized, migration=migration)
    router.drain()
    assert conductor.steps[-1] == ('reverted',
                                   {'power_state': power_state.SHUTDOWN})
    assert managers['h1'].driver._guests['u1']['flavor'] == TINY
    assert ('u1' in managers['h2'].driver._guests) is False


def test_failed_migration_reports_failure(hosts, conf):
    managers, conductor, router = hosts
    conf.config(group='fake', fail_operations=['migrate_disk_and_power_off'])
    instance = _spawned(managers['h1'])
    with pytest.raises(exception.VirtDriverError):
        managers['h1'].resize_instance(get_admin_context(), instance,
                                       migration=_migration('h2'),
                                       image_meta={})
    step, values = conductor.steps[-1]
    assert step == 'failed' and 'migrate_disk_and_power_off' in \
        values['message']
    assert ('compute_resize_instance', 'Error') in conductor.events
    assert 'u1' not in managers['h2'].driver._guests


def test_deleted_meanwhile_stops_quietly(hosts):
    managers, conductor, router = hosts
    conductor.fail_step = 'migrating'
    instance = _spawned(managers['h1'])
    managers['h1'].resize_instance(get_admin_context(), instance,
                                   migration=_migration('h2'),
                                   image_meta={})
    router.drain()
    assert conductor.steps == []
    assert managers['h1'].driver._guests['u1']['state'] == 1


def test_a_guest_missing_on_the_source_fails_the_resize(hosts):
    managers, conductor, router = hosts
    instance = _spawned(managers['h1'])
    managers['h1'].driver.destroy(None, instance)  # the hypervisor lost it
    with pytest.raises(exception.InstanceNotFound):
        managers['h1'].resize_instance(get_admin_context(), instance,
                                       migration=_migration('h2'),
                                       image_meta={})
    assert [s for s, _v in conductor.steps] == ['migrating', 'failed']


@pytest.mark.parametrize('new,grows', [(SMALL, True), (TINY, False)])
def test_disk_grows_only_when_the_flavor_changes(hosts, monkeypatch, new,
                                                 grows):
    """A cold migration (same flavor) finishes with ``resize_instance``
    False, as Nova's; a resize with True."""
    managers, conductor, router = hosts
    seen = []
    real = managers['h2'].driver.finish_migration

    def finish(*args, resize_instance, **kwargs):
        seen.append(resize_instance)
        return real(*args, resize_instance=resize_instance, **kwargs)
    monkeypatch.setattr(managers['h2'].driver, 'finish_migration', finish)
    migration = dict(_migration('h2'), new_flavor=new)
    managers['h1'].resize_instance(get_admin_context(),
                                   _spawned(managers['h1']),
                                   migration=migration,
                                   image_meta={'id': 'img'})
    router.drain()
    assert seen == [grows]
    assert conductor.steps[-1][0] == 'finished'
