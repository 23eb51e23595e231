"""Authorization: defaults in code, an operator's file over them."""
import pytest

from nova_core import context, exception, policy


@pytest.fixture
def fresh_policy():
    policy.reset()
    yield
    policy.reset()


def _ctx(roles, project='p1'):
    return context.RequestContext(user_id='u', project_id=project,
                                  roles=roles, is_admin='admin' in roles)


@pytest.mark.parametrize('roles,action,allowed', [
    (['reader'], 'os_compute_api:servers:index', True),
    (['reader'], 'os_compute_api:servers:create', False),
    (['member', 'reader'], 'os_compute_api:servers:create', True),
    (['member', 'reader'], 'os_compute_api:servers:index:get_all_tenants',
     False),
    (['admin'], 'os_compute_api:servers:index:get_all_tenants', True),
    (['member'], 'os_compute_api:os-services:list', False),
    (['admin'], 'os_compute_api:os-services:list', True),
])
def test_defaults(conf, fresh_policy, roles, action, allowed):
    assert policy.can(_ctx(roles), action) is allowed


def test_other_projects_targets_are_refused(conf, fresh_policy):
    member = _ctx(['member', 'reader'])
    with pytest.raises(exception.Forbidden) as caught:
        policy.authorize(member, 'os_compute_api:servers:delete',
                         {'project_id': 'someone-else'})
    assert caught.value.code == 403
    assert 'os_compute_api:servers:delete' in caught.value.format_message()


def test_operator_file_overrides_a_default(conf, fresh_policy, tmp_path):
    rules = tmp_path / 'policy.yaml'
    rules.write_text('"os_compute_api:servers:create": "role:admin"\n')
    conf.config(group='oslo_policy', policy_file=str(rules))
    assert not policy.can(_ctx(['member', 'reader']),
                          'os_compute_api:servers:create')
    assert policy.can(_ctx(['member', 'reader']),
                      'os_compute_api:servers:index')

