"""Networks from the configuration and a create's ``networks`` checked
against them, as Nova checks them against Neutron."""
from unittest import mock

import pytest

from nova_core import exception, network
from nova_core.conf import CONF
from nova_core.conf import network as network_conf


@pytest.fixture
def two(conf):
    conf.config(group='network', networks=['private', 'lab'])
    network_conf.register_network(CONF, 'lab')
    conf.config(group='network_lab', cidr='fd00:1::/64',
                dns_servers=['fd00:1::53'], bridge='br-lab')
    return network.networks(CONF)


def test_default_network_needs_no_configuration(conf):
    (net,) = network.networks(CONF).values()
    assert (net.name, str(net.cidr), str(net.gateway)) == (
        'private', '10.0.0.0/24', '10.0.0.1')
    assert net.uuid == network.network_uuid('private')
    assert net.contains('10.0.0.2') and not net.contains('10.0.0.1')
    assert not net.contains('10.0.0.255') and not net.contains('10.0.1.2')


def test_network_ids_are_stable_and_distinct(two):
    assert two['lab'].uuid == network.network_uuid('lab')
    assert len({n.uuid for n in two.values()}) == 2
    assert str(two['lab'].gateway) == 'fd00:1::1'
    assert two['lab'].bridge == 'br-lab'


def test_asking_again_registers_nothing_and_sees_changes(two, conf):
    """networks() runs on every boot: registering options there cleared
    oslo.config's cache of every option of the process each time. Once
    registered, nothing is registered again, and a changed option is
    still seen."""
    with mock.patch.object(CONF, 'register_opts',
                           wraps=CONF.register_opts) as register:
        assert network.networks(CONF) == two
        conf.config(group='network_lab', bridge='br-other')
        assert network.networks(CONF)['lab'].bridge == 'br-other'
    register.assert_not_called()


@pytest.mark.parametrize('section,reason', [
    ({}, 'cidr is required'),
    ({'cidr': '10.1.0.1/24'}, 'has host bits set'),
    ({'cidr': '10.1.0.0/24', 'gateway': '10.2.0.1'}, 'outside'),
])
def test_bad_network_configuration(conf, section, reason):
    conf.config(group='network', networks=['private', 'bad'])
    network_conf.register_network(CONF, 'bad')
    conf.config(group='network_bad', **section)
    with pytest.raises(exception.ConfigInvalid, match=reason):
        network.networks(CONF)


@pytest.mark.parametrize('requested', [None, 'auto', []])
def test_auto_is_one_address_on_the_default_network(two, requested):
    assert network.requests_for_create(CONF, requested, 1) == [
        {'network': 'private', 'fixed_ip': None}]


def test_none_is_no_address(two):
    assert network.requests_for_create(CONF, 'none', 3) == []


def test_networks_by_uuid_with_fixed_ip(two):
    assert network.requests_for_create(CONF, [
        {'uuid': two['lab'].uuid, 'fixed_ip': 'fd00:1:0:0::0a'},
        {'uuid': two['private'].uuid}], 1) == [
        {'network': 'lab', 'fixed_ip': 'fd00:1::a'},
        {'network': 'private', 'fixed_ip': None}]


@pytest.mark.parametrize('item,max_count,error,message', [
    ({'uuid': 'nope'}, 1, exception.NetworkNotFound,
     'Network nope could not be found.'),
    ({'port': 'p-1'}, 1, exception.PortNotFound,
     'Port id p-1 could not be found.'),
    ({'uuid': 'PRIVATE', 'fixed_ip': '10.9.9.9'}, 1,
     exception.FixedIpNotFoundForNetwork, 'does not exist in network'),
    ({'uuid': 'PRIVATE', 'fixed_ip': '10.0.0.1'}, 1,
     exception.FixedIpNotFoundForNetwork, 'does not exist in network'),
    ({'uuid': 'PRIVATE', 'fixed_ip': '10.0.0.5'}, 2,
     exception.InvalidFixedIpAndMaxCountRequest,
     'max_count cannot be greater than 1'),
])
def test_bad_requests_are_400(two, item, max_count, error, message):
    if item.get('uuid') == 'PRIVATE':
        item = dict(item, uuid=two['private'].uuid)
    with pytest.raises(error, match=message) as caught:
        network.requests_for_create(CONF, [item], max_count)
    assert caught.value.code == 400
