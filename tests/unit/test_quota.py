"""The quota engine: where limits come from, what counts, what is over."""
import uuid

import pytest

from nova_core import context as nova_context
from nova_core import exception, quota
from nova_core.db import instances as db_instances
from nova_core.db import models
from nova_core.db import quotas as db_quotas
from nova_core.db.session import transaction

TINY = {'vcpus': 1, 'memory_mb': 512}
MEDIUM = {'vcpus': 2, 'memory_mb': 4096}


def _ctx(project='p1', user='u1'):
    return nova_context.RequestContext(user_id=user, project_id=project)


def _servers(count, flavor=TINY, project='p1'):
    return db_instances.create([{
        'display_name': 'i%d' % i, 'project_id': project, 'user_id': 'u1',
        'flavor_id': '1', 'flavor': {}, 'vcpus': flavor['vcpus'],
        'memory_mb': flavor['memory_mb'], 'root_gb': 1,
        'vm_state': 'building', 'task_state': 'scheduling'}
        for i in range(count)])


def _insert(table, **values):
    with transaction() as session:
        session.execute(table.insert().values(created_at=models.utcnow(),
                                              **values))


def _key_pair(user, name):
    _insert(models.KeyPair.__table__, user_id=user, name=name,
            fingerprint='f', public_key='k', type='ssh', deleted=0)


def _group(project='p1'):
    group_uuid = str(uuid.uuid4())
    _insert(models.InstanceGroup.__table__, uuid=group_uuid, user_id='u1',
            project_id=project, policy='affinity', rules={}, deleted=0)
    return group_uuid


def _member(group_uuid):
    with transaction() as session:
        group_id = session.execute(
            models.InstanceGroup.__table__.select().where(
                models.InstanceGroup.__table__.c.uuid == group_uuid)
        ).mappings().one()['id']
    _insert(models.InstanceGroupMember.__table__, group_id=group_id,
            instance_uuid=str(uuid.uuid4()))


def test_limits_come_from_project_then_class_then_config(db, conf):
    conf.config(group='quota', instances=7, cores=9, ram=100)
    db_quotas.set_class_limits('default', {'cores': 11, 'ram': 200})
    db_quotas.set_project_limits('p1', {'ram': 300})
    assert quota.get_defaults()['instances'] == 7
    limits = quota.get_limits('p1')
    assert (limits['instances'], limits['cores'], limits['ram']) == (
        7, 11, 300)
    assert quota.get_limits('p2')['ram'] == 200
    db_quotas.set_project_limits('p1', {'ram': 400})  # an update
    assert quota.get_limits('p1')['ram'] == 400
    db_quotas.destroy_project_limits('p1')
    assert quota.get_limits('p1')['ram'] == 200
    assert quota.get_limits('p1')['floating_ips'] == -1


def test_usage_counts_live_servers_of_the_project(db):
    servers = _servers(3, MEDIUM)
    _servers(2, project='p2')
    db_instances.destroy(servers[0]['uuid'])
    usages = quota.get_usages('p1')
    assert (usages['instances'], usages['cores'], usages['ram']) == (
        2, 4, 8192)


def test_check_deltas_cores_worded_as_nova(db, conf):
    conf.config(group='quota', cores=4)
    _servers(1, MEDIUM)
    quota.check_deltas(_ctx(), 'p1', 'u1', cores=2)
    with pytest.raises(exception.TooManyInstances) as raised:
        quota.check_deltas(_ctx(), 'p1', 'u1', cores=3, ram=10)
    assert raised.value.code == 403
    assert raised.value.format_message() == (
        'Quota exceeded for cores: Requested 3, but already used 2 of 4 '
        'cores')
    assert raised.value.kwargs['overs'] == 'cores'


def test_zero_delta_checks_usage_as_it_stands(db, conf):
    conf.config(group='quota', instances=1)
    _servers(1)
    quota.check_deltas(_ctx(), 'p1', 'u1', instances=0)
    _servers(1)
    with pytest.raises(exception.TooManyInstances):
        quota.check_deltas(_ctx(), 'p1', 'u1', instances=0)


def test_unlimited_is_never_over(db, conf):
    conf.config(group='quota', instances=-1)
    quota.check_deltas(_ctx(), 'p1', 'u1', instances=10 ** 6)


def test_key_pairs_count_per_user(db, conf):
    conf.config(group='quota', key_pairs=2)
    _key_pair('u1', 'a')
    _key_pair('u1', 'b')
    _key_pair('u2', 'a')
    quota.check_deltas(_ctx(user='u2'), 'p1', 'u2', key_pairs=1)
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_deltas(_ctx(), 'p1', 'u1', key_pairs=1)
    assert raised.value.format_message() == (
        'Quota exceeded, too many key pairs.')
    assert not isinstance(raised.value, exception.TooManyInstances)


def test_server_groups_and_members(db, conf):
    conf.config(group='quota', server_groups=1, server_group_members=2)
    group = _group()
    with pytest.raises(exception.OverQuota,
                       match='too many server groups'):
        quota.check_deltas(_ctx(), 'p1', 'u1', server_groups=1)
    _member(group)
    quota.check_deltas(_ctx(), 'p1', 'u1', group_uuid=group,
                       server_group_members=1)
    with pytest.raises(exception.OverQuota,
                       match='too many servers in group'):
        quota.check_deltas(_ctx(), 'p1', 'u1', group_uuid=group,
                           server_group_members=2)
    with pytest.raises(ValueError):
        quota.check_deltas(_ctx(), 'p1', 'u1', server_group_members=1)


def test_unknown_resource_is_a_bug(db):
    with pytest.raises(ValueError):
        quota.check_deltas(_ctx(), 'p1', 'u1', metadata_items=1)


def test_metadata_items_is_a_total(db, conf):
    conf.config(group='quota', metadata_items=2)
    quota.check_metadata_items(_ctx(), 'p1', 2)
    with pytest.raises(exception.MetadataLimitExceeded) as raised:
        quota.check_metadata_items(_ctx(), 'p1', 3)
    assert raised.value.format_message() == (
        'Maximum number of metadata items exceeds 2')
    assert raised.value.code == 403


@pytest.mark.parametrize('limits, flavor, min_count, max_count, expected', [
    ({}, TINY, 1, 5, 5),
    ({'instances': 3}, TINY, 1, 5, 3),
    ({'instances': 3}, TINY, 3, 5, 3),
    ({'cores': 5}, MEDIUM, 1, 4, 2),          # 5 // 2 cores
    ({'ram': 9000}, MEDIUM, 2, 3, 2),         # 9000 // 4096
    ({'instances': -1, 'cores': -1, 'ram': -1}, MEDIUM, 50, 50, 50),
])
def test_check_instances_boots_what_fits(db, conf, limits, flavor,
                                         min_count, max_count, expected):
    conf.config(group='quota', **limits)
    assert quota.check_instances(_ctx(), 'p1', flavor, min_count,
                                 max_count) == expected


@pytest.mark.parametrize('limits, used, min_count, max_count, message', [
    ({'instances': 3}, 0, 4, 5,
     'Quota exceeded for instances: Requested 4-5, but already used 0 of '
     '3 instances'),
    ({'instances': 3}, 3, 1, 1,
     'Quota exceeded for instances: Requested 1, but already used 3 of 3 '
     'instances'),
    ({'cores': 4}, 1, 2, 2,
     'Quota exceeded for cores: Requested 4, but already used 2 of 4 '
     'cores'),
])
def test_check_instances_refuses(db, conf, limits, used, min_count,
                                 max_count, message):
    conf.config(group='quota', **limits)
    if used:
        _servers(used, MEDIUM)
    with pytest.raises(exception.TooManyInstances) as raised:
        quota.check_instances(_ctx(), 'p1', MEDIUM, min_count, max_count)
    assert raised.value.format_message() == message


def test_check_create_checks_metadata_first(db, conf):
    conf.config(group='quota', metadata_items=0, instances=0)
    with pytest.raises(exception.MetadataLimitExceeded):
        quota.check_create(_ctx(), TINY, {'a': 'b'}, 1, 1)
    with pytest.raises(exception.TooManyInstances):
        quota.check_create(_ctx(), TINY, {}, 1, 1)


def test_recheck_removes_what_went_over(db, conf):
    conf.config(group='quota', instances=2)
    _servers(1)
    created = _servers(2)   # a concurrent create slipped in: 3 of 2
    with pytest.raises(exception.TooManyInstances) as raised:
        quota.recheck_create(_ctx(), TINY, created)
    assert raised.value.format_message() == (
        'Quota exceeded for instances: Requested 2, but already used 2 of '
        '2 instances')
    assert quota.get_usages('p1')['instances'] == 1
    created = _servers(1)
    quota.recheck_create(_ctx(), TINY, created)  # 2 of 2: fine
    assert quota.get_usages('p1')['instances'] == 2


def test_recheck_can_be_switched_off(db, conf):
    conf.config(group='quota', instances=1, recheck_quota=False)
    created = _servers(2)
    quota.recheck_create(_ctx(), TINY, created)
    assert quota.get_usages('p1')['instances'] == 2


# --- per-user limits ---------------------------------------------------------

class _Statements:
    """Counts the SQL statements run while it is open."""

    def __enter__(self):
        import sqlalchemy

        from nova_core.db import session
        self.engine, self.count = session.get_engine(), 0
        sqlalchemy.event.listen(self.engine, 'before_cursor_execute',
                                self._seen)
        return self

    def _seen(self, *args):
        self.count += 1

    def __exit__(self, *exc):
        import sqlalchemy
        sqlalchemy.event.remove(self.engine, 'before_cursor_execute',
                                self._seen)


def _statements_of_check(**user_limits):
    if user_limits:
        db_quotas.set_user_limits('p1', 'u1', user_limits)
    with _Statements() as statements:
        quota.check_instances(_ctx(), 'p1', TINY, 1, 1)
    return statements.count


def test_create_check_costs_no_more_without_user_limits(db):
    """The hot path: the default class's, the project's and the user's
    rows (one statement), the project's usage; a user limit adds its
    usage count."""
    assert _statements_of_check() == 2
    assert _statements_of_check(key_pairs=5) == 2
    assert _statements_of_check(instances=5) == 3


def test_a_create_check_reads_its_limits_once(db):
    """Metadata and instances are checked against one read of the
    limits."""
    with _Statements() as statements:
        quota.check_create(_ctx(), TINY, {'k': 'v'}, 1, 1)
    assert statements.count == 2


def test_user_limits_override_the_projects_for_that_user(db):
    db_quotas.set_project_limits('p1', {'instances': 5, 'cores': 8})
    db_quotas.set_user_limits('p1', 'u1', {'instances': 2})
    assert quota.get_limits('p1', 'u1')['instances'] == 2
    assert quota.get_limits('p1', 'u1')['cores'] == 8
    assert quota.get_limits('p1', 'u2')['instances'] == 5
    assert quota.get_limits('p1')['instances'] == 5
    db_quotas.destroy_project_limits('p1')
    assert quota.get_limits('p1', 'u1')['instances'] == 10


def test_user_instances_are_counted_for_the_user(db):
    db_quotas.set_user_limits('p1', 'u1', {'instances': 2})
    _servers(2)
    with pytest.raises(exception.TooManyInstances) as raised:
        quota.check_instances(_ctx(), 'p1', TINY, 1, 1)
    assert 'already used 2 of 2 instances' in raised.value.format_message()
    # u2 has no limit of their own: the project's 10 apply.
    assert quota.check_instances(_ctx(user='u2'), 'p1', TINY, 1, 3) == 3
    # As many as fit both the user's and the project's room.
    db_quotas.set_user_limits('p1', 'u1', {'instances': 4})
    assert quota.check_instances(_ctx(), 'p1', TINY, 1, 5) == 2


def test_key_pairs_use_the_users_limit(db):
    db_quotas.set_project_limits('p1', {'key_pairs': 5})
    db_quotas.set_user_limits('p1', 'u1', {'key_pairs': 1})
    _key_pair('u1', 'k1')
    with pytest.raises(exception.OverQuota):
        quota.check_deltas(_ctx(), 'p1', 'u1', key_pairs=1)
    quota.check_deltas(_ctx(), 'p1', 'u2', key_pairs=1)
