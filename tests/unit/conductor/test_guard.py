"""The conductor's guard: a compute host touches only what is its own and
changes only the fields of the call, against a database of the test's own.

Calls go to the guarded endpoint as oslo.messaging's dispatcher makes them,
signed as the RPC client signs them.
"""
import logging
from unittest import mock

import oslo_messaging as messaging
import pytest
import sqlalchemy

from nova_core import context, exception, host_auth
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.conductor import endpoint
from nova_core.conductor import manager as conductor_manager
from nova_core.conf import CONF
from nova_core.db import actions, instances, moves
from nova_core.db import services as db_services

MASTER = 'unit-master-secret'
H1, H2 = 'host1', 'host2'


class Cloud:
    """Two compute hosts with an instance each, and a guarded conductor."""

    def __init__(self):
        manager = object.__new__(conductor_manager.ConductorManager)
        manager.conf = CONF
        # No compute is called here: nothing is overdue or to re-drive.
        manager.compute_rpcapi = mock.create_autospec(
            compute_rpcapi.ComputeAPI, instance=True)
        self.guard = endpoint.GuardedEndpoint(
            manager, host_auth.Verifier(MASTER))
        self.ctxt = context.get_admin_context()
        for host in (H1, H2):
            db_services.register(host, 'nova-compute', 'compute')
            db_services.node_update(host, {
                'hypervisor_hostname': host, 'hypervisor_type': 'fake',
                'vcpus': 4, 'memory_mb': 4096, 'local_gb': 40})
        self.mine = self.instance(H1)
        self.theirs = self.instance(H2)

    @staticmethod
    def instance(host, **values):
        return instances.create(dict({
            'display_name': 'i', 'project_id': 'p1', 'user_id': 'u1',
            'flavor_id': '1', 'flavor': {'flavorid': '1'}, 'vcpus': 1,
            'memory_mb': 64, 'root_gb': 1, 'vm_state': 'active',
            'task_state': None, 'host': host, 'node': host}, **values))['uuid']

    def call(self, method, as_host=H1, key_host=None, role='compute', **kw):
        """Call ``method`` as ``as_host`` (signing with ``key_host``'s
        key)."""
        key = (host_auth.derive_controller_key(MASTER)
               if role == 'controller' else
               host_auth.derive_host_key(MASTER, key_host or as_host))
        auth = host_auth.Signer(role, as_host, lambda: key).sign(
            self.ctxt, method, kw)
        try:
            return getattr(self.guard, method)(
                self.ctxt, **dict(kw, caller_auth=auth))
        except messaging.ExpectedException as expected:
            raise expected.exc_info[1] from None


@pytest.fixture
def cloud(db):
    return Cloud()


def _rows():
    """Everything a refused call must leave as it was."""
    return (instances.get_all({}, sort_keys=('id',), sort_dirs=('asc',)),
            db_services.get_all(), db_services.node_get_all())


def _refused(cloud, caplog, method, **kw):
    before = _rows()
    with caplog.at_level(logging.WARNING, 'nova_core.conductor.endpoint'):
        with pytest.raises(exception.CallerNotAuthorized) as caught:
            cloud.call(method, **kw)
    assert _rows() == before
    assert 'Refused %s from compute host %s' % (method, kw.get(
        'as_host', H1)) in caplog.text
    return caught.value


# --- what a compute may not do ---------------------------------------------

def _other_hosts_instance(c):
    return dict(instance_uuid=c.theirs, values={'power_state': 4})


REFUSED = {
    'rewrite another host\'s instance': ('instance_update',
                                         _other_hosts_instance),
    **{'set %s' % field: ('instance_update', lambda c, f=field, v=value: dict(
        instance_uuid=c.mine, values={f: v})) for field, value in (
        ('project_id', 'p2'), ('user_id', 'u2'), ('user_data', 'IyEvYmlu'),
        ('host', H2), ('node', H2), ('flavor', {'flavorid': '9'}),
        ('memory_mb', 65536), ('display_name', 'x'), ('locked', False),
        ('deleted', 1), ('vm_state', 'resized'), ('vm_state', 'deleted'),
        ('task_state', 'deleting'), ('power_state', 99),
        ('launched_at', 'yesterday'), ('deleted_at', '2026-01-01T00:00:00'))},
    'spawning without scheduling': ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'task_state': 'spawning'})),
    'soft delete outside a soft delete': ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'vm_state': 'soft-delete'},
        expected_task_state=None)),
    'launched_at outside a build': ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'launched_at': '2026-01-01T00:00:00'},
        expected_task_state=None)),
    'event of another host': ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'power_state': 1},
        event={'name': 'compute_x', 'phase': 'start', 'host': H2})),
    'another host\'s heartbeat': ('service_heartbeat', lambda c: dict(
        host=H2, binary='nova-compute')),
    'a conductor\'s heartbeat': ('service_heartbeat', lambda c: dict(
        host=H1, binary='nova-conductor')),
    'register another host': ('service_register', lambda c: dict(
        host=H2, binary='nova-compute', topic='compute')),
    'register a conductor': ('service_register', lambda c: dict(
        host=H1, binary='nova-conductor', topic='conductor')),
    'another host\'s resources': ('compute_node_update', lambda c: dict(
        host=H2, resources={'hypervisor_hostname': H2, 'vcpus': 512})),
    'negative resources': ('compute_node_update', lambda c: dict(
        host=H1, resources={'hypervisor_hostname': H1, 'vcpus': -1})),
    'absurd ratio': ('compute_node_update', lambda c: dict(
        host=H1, resources={'hypervisor_hostname': H1,
                            'cpu_allocation_ratio': 1e9})),
    'list another host\'s instances': ('instance_get_all_by_host',
                                       lambda c: dict(host=H2)),
    'reclaimable of another host': ('instance_get_reclaimable',
                                    lambda c: dict(host=H2, older_than=0)),
    'audit another host': ('instance_usage_audit',
                           lambda c: dict(host=H2)),
    'reclaim another host\'s instance': ('instance_start_reclaim',
                                         lambda c: dict(
                                             instance_uuid=c.theirs)),
    'destroy an instance not being deleted': ('instance_destroy', lambda c:
                                              dict(instance_uuid=c.mine)),
    'fail a build that is not building': ('instance_build_failed',
                                          lambda c: dict(
        instance_uuid=c.mine, message='m', details=None, host=H1)),
    'fault on another host\'s instance': ('instance_fault_create',
                                          lambda c: dict(
        instance_uuid=c.theirs, code=500, message='m', details=None,
        host=H1)),
    'fault in another host\'s name': ('instance_fault_create', lambda c: dict(
        instance_uuid=c.mine, code=500, message='m', details=None, host=H2)),
    'event on another host\'s instance': ('action_event_start', lambda c:
                                          dict(instance_uuid=c.theirs,
                                               event='compute_x', host=H1)),
    'a conductor\'s event': ('action_event_start', lambda c: dict(
        instance_uuid=c.mine, event='conductor_migrate_server', host=H1)),
    'build instances': ('build_instances', lambda c: dict(
        instances=[], image_meta={}, request_spec={})),
    'resolve overdue tasks': ('resolve_overdue_tasks', lambda c: {}),
}


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refused_changes_nothing_and_is_logged(cloud, caplog, name):
    method, kwargs = REFUSED[name]
    _refused(cloud, caplog, method, **kwargs(cloud))


def test_refusal_does_not_depend_on_the_instance_state(cloud, caplog):
    """Deleting or not, another host's instance is not this host's."""
    instances.update(cloud.theirs, {'task_state': 'deleting'})
    _refused(cloud, caplog, 'instance_destroy', instance_uuid=cloud.theirs)


def test_unsigned_and_forged_calls_are_refused(cloud, caplog):
    before = _rows()
    with caplog.at_level(logging.WARNING, 'nova_core.conductor.endpoint'):
        with pytest.raises(exception.CallerNotVerified):
            cloud.call('service_heartbeat', as_host=H2, key_host=H1,
                       host=H2, binary='nova-compute')
        with pytest.raises(messaging.ExpectedException):
            cloud.guard.service_heartbeat(cloud.ctxt, host=H1,
                                          binary='nova-compute')
    assert _rows() == before
    assert 'Refused unverified call service_heartbeat claiming host ' \
        'host2: bad signature' in caplog.text
    assert 'claiming host None: the call is not signed' in caplog.text


# --- what it may -------------------------------------------------------------

def test_own_instance_states(cloud):
    row = cloud.call('instance_update', instance_uuid=cloud.mine,
                     values={'power_state': 4, 'vm_state': 'stopped'},
                     expected_task_state=None)
    assert (row['vm_state'], row['power_state']) == ('stopped', 4)


def test_a_build_step_with_its_expected_state(cloud):
    uuid = cloud.instance(H1, vm_state='building', task_state='scheduling')
    row = cloud.call('instance_update', instance_uuid=uuid,
                     values={'task_state': 'spawning'},
                     expected_task_state='scheduling',
                     event={'name': 'compute_build', 'phase': 'start',
                            'host': H1})
    assert row['task_state'] == 'spawning'
    row = cloud.call('instance_build_failed', instance_uuid=uuid,
                     message='boom', details='trace', host=H1)
    assert row['vm_state'] == 'error' and row['host'] is None


def test_own_services_and_node(cloud):
    assert cloud.call('service_register', host=H1, binary='nova-compute',
                      topic='compute')['host'] == H1
    cloud.call('service_heartbeat', host=H1, binary='nova-compute')
    node = cloud.call('compute_node_update', host=H1, resources={
        'hypervisor_hostname': H1, 'vcpus': 8, 'vcpus_used': 0})
    assert node['vcpus'] == 8
    assert [i['uuid'] for i in cloud.call(
        'instance_get_all_by_host', host=H1)] == [cloud.mine]


def test_delete_then_finish_its_event(cloud):
    instances.update(cloud.mine, {'task_state': 'deleting'})
    actions.start(cloud.mine, 'delete', cloud.ctxt.request_id, 'u1', 'p1')
    cloud.call('action_event_start', instance_uuid=cloud.mine,
               event='compute_terminate_instance', host=H1)
    cloud.call('instance_destroy', instance_uuid=cloud.mine)
    cloud.call('action_event_finish', instance_uuid=cloud.mine,
               event='compute_terminate_instance', result='Success')
    events = actions.get(cloud.mine, cloud.ctxt.request_id)['events']
    assert events[0]['result'] == 'Success'


class _Deadlock(Exception):
    """As PyMySQL raises a deadlock: (errno, message)."""


def test_a_deadlock_runs_the_rule_and_the_method_again(cloud, monkeypatch):
    """The guard's transaction is the outermost one: it is what a
    deadlock (MariaDB choosing it as the victim) retries, whole."""
    monkeypatch.setattr('nova_core.db.retry.time.sleep', lambda s: None)
    actions.start(cloud.mine, 'stop', cloud.ctxt.request_id, 'u1', 'p1')
    cloud.call('action_event_start', instance_uuid=cloud.mine,
               event='compute_stop_instance', host=H1)
    real, calls = actions.event_finish, []

    def deadlocked_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise sqlalchemy.exc.OperationalError(
                'UPDATE instance_actions ...', {},
                _Deadlock(1213, 'Deadlock found when trying to get lock'))
        return real(*args, **kwargs)
    monkeypatch.setattr(actions, 'event_finish', deadlocked_once)
    cloud.call('action_event_finish', instance_uuid=cloud.mine,
               event='compute_stop_instance', result='Success')
    assert len(calls) == 2
    events = actions.get(cloud.mine, cloud.ctxt.request_id)['events']
    assert [e['result'] for e in events] == ['Success']


def test_controller_calls_are_not_bound_to_a_host(cloud):
    assert cloud.call('resolve_overdue_tasks', as_host='ctl',
                      role='controller') == 0


# --- resizes -----------------------------------------------------------------

@pytest.fixture
def migration(cloud):
    instances.update(cloud.mine, {'task_state': 'resize_prep'})
    return moves.create({
        'instance_uuid': cloud.mine, 'source_compute': H1,
        'source_node': H1, 'dest_compute': H2, 'dest_node': H2,
        'old_flavor': {'flavorid': '1'}, 'new_flavor': {'flavorid': '2'},
        'user_id': 'u1', 'project_id': 'p1'})


def test_both_ends_of_a_resize_reach_the_instance(cloud, migration):
    cloud.call('action_event_start', as_host=H2, instance_uuid=cloud.mine,
               event='compute_finish_resize', host=H2)
    cloud.call('resize_step', instance_uuid=cloud.mine,
               migration_id=migration['id'], step='migrating', values=None)
    assert moves.get(migration['id'])['status'] == 'migrating'


@pytest.mark.parametrize('host,step,values', [
    (H2, 'migrating', None),  # the source's step
    (H1, 'finishing', None),  # the destination's
    (H1, 'failed', {'message': 'm', 'host': H2}),
    (H1, 'migrating', {'power_state': 1}),
    (H1, 'teleported', None),
    ('host3', 'failed', {'message': 'm', 'host': 'host3'}),
])
def test_resize_steps_from_the_wrong_end_are_refused(cloud, caplog,
                                                     migration, host, step,
                                                     values):
    _refused(cloud, caplog, 'resize_step', as_host=host,
             instance_uuid=cloud.mine, migration_id=migration['id'],
             step=step, values=values)
    assert moves.get(migration['id'])['status'] == 'pre-migrating'


def test_a_migration_of_another_instance_is_refused(cloud, caplog,
                                                    migration):
    _refused(cloud, caplog, 'resize_step', instance_uuid=cloud.theirs,
             migration_id=migration['id'], step='migrating', values=None)


# --- what the guard costs ----------------------------------------------------

class _Statements:
    """Counts the SQL statements run while it is open."""

    def __init__(self):
        from nova_core.db import session
        self.engine = session.get_engine()
        self.count = 0

    def _seen(self, *args):
        self.count += 1

    def __enter__(self):
        sqlalchemy.event.listen(self.engine, 'before_cursor_execute',
                                self._seen)
        return self

    def __exit__(self, *exc):
        sqlalchemy.event.remove(self.engine, 'before_cursor_execute',
                                self._seen)


def _direct(cloud, method, **kw):
    return getattr(cloud.guard._manager, method)(cloud.ctxt, **kw)


def _build(cloud, host=H1):
    return cloud.instance(host, vm_state='building', task_state='scheduling')


@pytest.mark.parametrize('method,kwargs', [
    ('instance_build_started', lambda c: dict(
        instance_uuid=_build(c), host=H1, event={
            'name': 'compute_build', 'phase': 'start', 'host': H1})),
    ('instance_update', lambda c: dict(
        instance_uuid=c.mine, values={'power_state': 4},
        expected_task_state=None, event=None)),
    ('service_heartbeat', lambda c: dict(host=H1, binary='nova-compute')),
    ('instance_get_all_by_host', lambda c: dict(host=H1)),
])
def test_the_hot_calls_run_no_statement_of_the_guard(cloud, method, kwargs):
    """Boots, power actions and heartbeats: the ownership check is the
    method's own write (or its arguments), so a guarded call runs the
    statements of the unguarded method and no more."""
    with _Statements() as direct:
        _direct(cloud, method, **kwargs(cloud))
    with _Statements() as guarded:
        cloud.call(method, **kwargs(cloud))
    assert guarded.count == direct.count


def test_another_hosts_build_is_refused_not_reported(cloud, caplog):
    """Its state (which a conflict would tell) stays unknown to the
    caller, and its event is not recorded."""
    theirs = _build(cloud, H2)
    actions.start(theirs, 'create', cloud.ctxt.request_id, 'u1', 'p1')
    error = _refused(cloud, caplog, 'instance_build_started',
                     instance_uuid=theirs, host=H1, event={
                         'name': 'compute_build', 'phase': 'start',
                         'host': H1})
    assert 'instance is on host host2' in str(error)
    assert actions.get(theirs, cloud.ctxt.request_id)['events'] == []


def test_a_failed_write_at_another_hosts_instance_is_refused(cloud, caplog):
    _refused(cloud, caplog, 'instance_update', instance_uuid=cloud.theirs,
             values={'task_state': 'spawning'},
             expected_task_state='scheduling')


def test_a_failed_write_at_its_own_instance_is_the_methods_error(cloud):
    with pytest.raises(exception.InstanceTaskStateConflict):
        cloud.call('instance_update', instance_uuid=cloud.mine,
                   values={'task_state': 'spawning'},
                   expected_task_state='scheduling')
