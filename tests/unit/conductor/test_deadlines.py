"""Task deadlines: each overdue task_state resolves to its defined outcome,
against a database of the test's own and an autospec'd compute client."""
import datetime
from unittest import mock

import pytest
import sqlalchemy as sa

from nova_core.compute import power_state, task_states
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.conductor import deadlines
from nova_core.conf import CONF
from nova_core.db import (
    actions,
    instances,
    models,
    moves,
    services,
    session,
)
from nova_core.db.models import utcnow
from nova_core.states import task_deadlines

OLD = 3600 * 24  # seconds: older than every default deadline


def _node(host):
    services.register(host, 'nova-compute', 'compute')
    return services.node_update(host, {
        'hypervisor_hostname': host, 'hypervisor_type': 'fake',
        'vcpus': 8, 'memory_mb': 4096, 'local_gb': 100})


def _host_down(host):
    with session.transaction() as conn:
        conn.execute(models.Service.__table__.update().where(
            models.Service.host == host).values(
                last_seen_up=utcnow() - datetime.timedelta(hours=1)))


def _instance(task_state, vm_state='active', host='host1', age=OLD,
              power=power_state.RUNNING):
    inst = instances.create({
        'display_name': 'i', 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': 64,
        'root_gb': 1, 'vm_state': vm_state, 'task_state': task_state,
        'power_state': power, 'image_ref': 'img',
        'system_metadata': {'image_disk_format': 'raw'}},
        action={'action': 'x', 'request_id': 'req-1', 'user_id': 'u',
                'project_id': 'p'})
    if host is not None:
        node = services.node_get_all()[0] if host == 'host1' else None
        if node is not None:
            assert instances.claim(inst['uuid'], node['id'], host, host)
    with session.transaction() as conn:
        conn.execute(models.Instance.__table__.update().where(
            models.Instance.uuid == inst['uuid']).values(
                host=host, node=host,
                updated_at=utcnow() - datetime.timedelta(seconds=age)))
    return inst['uuid']


@pytest.fixture
def compute():
    return mock.create_autospec(compute_rpcapi.ComputeAPI, instance=True)


@pytest.fixture
def host1(db):
    return _node('host1')


def _event(uuid):
    (event,) = [e for e in actions.get(uuid, 'req-1')['events']
                if e['event'] == deadlines.EVENT]
    return event


def _run(compute):
    return deadlines.resolve_overdue(None, CONF, compute)


def _expect(outcome, uuid, compute):
    """Assert what ``outcome`` did to ``uuid`` on a host that is up."""
    inst = instances.get(uuid, read_deleted='yes')
    event = _event(uuid)
    if outcome == task_deadlines.RESCHEDULE:
        assert inst['task_state'] == task_states.SCHEDULING
        compute.build_and_run_instance.assert_called_once()
        assert event['result'] == 'Success'
    elif outcome == task_deadlines.BUILD:
        assert (inst['vm_state'], inst['task_state'], inst['host']) == (
            'error', None, None)
        assert instances.faults_latest([uuid])[uuid]['message'].startswith(
            'Build of instance %s timed out' % uuid)
    elif outcome == task_deadlines.STABLE:
        assert (inst['vm_state'], inst['task_state']) == ('active', None)
        assert event['result'] == 'Error'
    elif outcome == task_deadlines.ERROR:
        assert (inst['vm_state'], inst['task_state']) == ('error', None)
        assert 'timed out' in instances.faults_latest([uuid])[uuid][
            'message']
    elif outcome == task_deadlines.DELETE:
        assert inst['task_state'] == task_states.DELETING
        compute.terminate_instance.assert_called_once()
        assert inst['updated_at'] > utcnow() - datetime.timedelta(minutes=1)
    else:
        pytest.fail('unknown outcome %s' % outcome)


@pytest.mark.parametrize('task_state,outcome', sorted(
    (state, row[1]) for state, row in task_deadlines.TABLE.items()))
def test_each_task_state_resolves_to_its_outcome(host1, compute, task_state,
                                                 outcome):
    vm_state = 'building' if outcome in (task_deadlines.RESCHEDULE,
                                         task_deadlines.BUILD) else 'active'
    uuid = _instance(task_state, vm_state=vm_state)
    assert _run(compute) == 1
    _expect(outcome, uuid, compute)
    assert _run(compute) == 0  # resolved for good, or its deadline restarted


def test_every_task_state_has_a_deadline():
    known = {v for k, v in vars(task_states).items() if k.isupper()}
    assert known == set(task_deadlines.TABLE)


def test_a_task_within_its_deadline_is_left_alone(host1, compute):
    uuid = _instance(task_states.REBOOTING, age=10)
    assert _run(compute) == 0
    assert instances.get(uuid)['task_state'] == task_states.REBOOTING


def test_a_deadline_of_zero_turns_the_check_off(host1, compute, conf):
    conf.config(power=0, group='instance_deadlines')
    _instance(task_states.PAUSING)
    assert _run(compute) == 0


def test_stable_state_follows_the_recorded_power_state(host1, compute):
    uuid = _instance(task_states.POWERING_ON, vm_state='active',
                     power=power_state.SHUTDOWN)
    _run(compute)
    assert instances.get(uuid)['vm_state'] == 'stopped'


def test_never_updated_builds_count_from_their_creation(host1, compute):
    uuid = _instance(task_states.SCHEDULING, vm_state='building', host=None)
    with session.transaction() as conn:
        conn.execute(models.Instance.__table__.update().values(
            updated_at=None, created_at=utcnow() - datetime.timedelta(
                seconds=OLD)))
    assert _run(compute) == 1
    inst = instances.get(uuid)
    assert (inst['host'], inst['task_state']) == ('host1', 'scheduling')
    compute.build_and_run_instance.assert_called_once()


def test_a_build_on_a_dead_host_is_scheduled_elsewhere(host1, compute):
    _node('host2')
    uuid = _instance(task_states.SPAWNING, vm_state='building')
    _host_down('host1')
    assert _run(compute) == 1
    inst = instances.get(uuid)
    assert (inst['host'], inst['vm_state'], inst['task_state']) == (
        'host2', 'building', 'scheduling')
    (node1,) = [n for n in services.node_get_all() if n['host'] == 'host1']
    assert node1['running_vms'] == 0  # the dead host's claim was given back
    assert compute.build_and_run_instance.call_args.args[1]['host'] == \
        'host2'


def test_a_delete_whose_host_is_down_finishes_here(host1, compute):
    uuid = _instance(task_states.DELETING)
    _host_down('host1')
    assert _run(compute) == 1
    assert instances.get(uuid, read_deleted='yes')['deleted'] != 0
    compute.terminate_instance.assert_not_called()
    assert 'is down' in _event(uuid)['details']


def test_a_task_that_moved_on_meanwhile_is_not_touched(host1, compute):
    uuid = _instance(task_states.PAUSING)
    (overdue,) = instances.overdue(task_deadlines.cutoffs(CONF, utcnow()))
    instances.update(uuid, {'task_state': None, 'vm_state': 'paused'})
    assert not deadlines.resolve(CONF, compute, overdue)
    assert instances.get(uuid)['vm_state'] == 'paused'


def test_the_check_is_one_indexed_query(host1):
    query = instances.overdue_query(task_deadlines.cutoffs(CONF, utcnow()))
    with session.transaction(writer=False) as conn:
        plan = [r[-1] for r in conn.execute(sa.text(
            'EXPLAIN QUERY PLAN ' + str(query.compile(
                conn, compile_kwargs={'literal_binds': True}))))]
    searches = [p for p in plan if p.startswith(('SEARCH', 'SCAN'))]
    assert searches and all(
        'USING INDEX instances_task_state_updated_at_idx' in p
        for p in searches), plan


def test_an_overdue_live_migration_gives_back_its_claim(host1, compute):
    """Its host never finished it: the server stays where it is recorded,
    with no task, and the destination's claim is given back."""
    _node('host2')
    uuid = _instance(task_states.MIGRATING)
    flavor = {'flavorid': '1', 'vcpus': 1, 'memory_mb': 64, 'root_gb': 1}
    migration = moves.create({
        'instance_uuid': uuid, 'source_compute': 'host1',
        'source_node': 'host1', 'old_flavor': flavor, 'new_flavor': flavor,
        'migration_type': 'live-migration', 'status': 'queued'})
    assert moves.claim_destination(migration['id'], 'host2', 'host2')
    moves.set_status(migration['id'], 'running')
    assert services.node_get_all(host='host2')[0]['memory_mb_used'] == 64
    assert _run(compute) == 1
    inst = instances.get(uuid)
    assert (inst['vm_state'], inst['task_state'], inst['host']) == (
        'active', None, 'host1')
    assert moves.get(migration['id'])['status'] == 'error'
    assert services.node_get_all(host='host2')[0]['memory_mb_used'] == 0
