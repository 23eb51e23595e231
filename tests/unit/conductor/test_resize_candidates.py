"""Resize destinations: what each driver can do is read from what its
host reported with its resources; no host is asked."""
import pytest

from nova_core import exception
from nova_core.conductor import resize
from nova_core.conf import CONF
from nova_core.db import services

MOVE = {resize.MOVE_CAPABILITY: True}
STAY = {resize.MOVE_CAPABILITY: False}


def _report(host, capabilities):
    services.register(host, 'nova-compute', 'compute')
    resources = {'hypervisor_hostname': host, 'hypervisor_type': 'fake',
                 'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100}
    if capabilities is not None:
        resources['capabilities'] = capabilities
    services.node_update(host, resources)


def _hosts(source='a'):
    return sorted(n['host'] for n in resize._candidates(
        CONF, {'host': source}))


def test_capabilities_are_stored_with_the_resources(db):
    _report('a', MOVE)
    (node,) = services.node_get_all()
    assert node['capabilities'] == MOVE
    _report('a', STAY)  # a new report replaces the old one
    assert services.node_get_all()[0]['capabilities'] == STAY


@pytest.mark.parametrize('reports,same_host,expected', [
    # Every driver moves disks: any other host.
    ({'a': MOVE, 'b': MOVE, 'c': MOVE}, False, ['b', 'c']),
    ({'a': MOVE, 'b': MOVE, 'c': MOVE}, True, ['a', 'b', 'c']),
    # A destination that cannot move disks, or never said, is left out.
    ({'a': MOVE, 'b': STAY, 'c': None}, True, ['a']),
    # A source that cannot move disks resizes in place only.
    ({'a': STAY, 'b': MOVE}, True, ['a']),
])
def test_candidates_from_reported_capabilities(db, conf, reports, same_host,
                                               expected):
    conf.config(allow_resize_to_same_host=same_host)
    for host, capabilities in reports.items():
        _report(host, capabilities)
    assert _hosts() == expected


def test_source_that_cannot_move_without_same_host_resize(db, conf):
    conf.config(allow_resize_to_same_host=False)
    _report('a', STAY)
    _report('b', MOVE)
    with pytest.raises(exception.NoValidHost) as caught:
        _hosts()
    assert 'cannot move disks' in caught.value.format_message()


@pytest.mark.parametrize('reports,host,expected', [
    # Never the current host, whatever allow_resize_to_same_host says.
    ({'a': MOVE, 'b': MOVE, 'c': MOVE}, None, ['b', 'c']),
    ({'a': MOVE, 'b': MOVE, 'c': STAY}, None, ['b']),
    ({'a': MOVE, 'b': MOVE, 'c': MOVE}, 'c', ['c']),
])
def test_cold_migration_candidates(db, conf, reports, host,
                                   expected):
    conf.config(allow_resize_to_same_host=True)
    for name, capabilities in reports.items():
        _report(name, capabilities)
    assert sorted(n['host'] for n in resize._migration_candidates(
        {'host': 'a'}, host)) == expected


@pytest.mark.parametrize('reports,host,reason', [
    ({'a': STAY, 'b': MOVE}, None, 'cannot move disks'),
    ({'a': MOVE}, None, 'other than the current one'),
    ({'a': MOVE, 'b': STAY}, 'b', 'Host b is not up or cannot take'),
])
def test_cold_migration_without_candidates(db, reports, host, reason):
    for name, capabilities in reports.items():
        _report(name, capabilities)
    with pytest.raises(exception.NoValidHost, match=reason):
        resize._migration_candidates({'host': 'a'}, host)
