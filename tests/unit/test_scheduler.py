"""Host selection: filters remove, weighers rank, claims decide."""
import datetime

import pytest

from nova_core import exception
from nova_core.conf import CONF
from nova_core.scheduler import host_selection

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def node(host, ram=8192, ram_used=0, vcpus=4, vcpus_used=0, disk=100,
         disk_used=0, up=True, disabled=False, zone=None):
    seen = NOW if up else NOW - datetime.timedelta(hours=1)
    return {'id': hash(host), 'host': host, 'hypervisor_hostname': host,
            'memory_mb': ram, 'memory_mb_used': ram_used,
            'reserved_memory_mb': 0, 'ram_allocation_ratio': 1.0,
            'vcpus': vcpus, 'vcpus_used': vcpus_used, 'reserved_vcpus': 0,
            'cpu_allocation_ratio': 4.0, 'local_gb': disk,
            'local_gb_used': disk_used, 'reserved_disk_gb': 0,
            'disk_allocation_ratio': 1.0,
            'service': {'disabled': disabled, 'forced_down': False,
                        'last_seen_up': seen, 'availability_zone': zone}}


def spec(ram=512, vcpus=1, disk=1, zone=None, host=None):
    return {'memory_mb': ram, 'vcpus': vcpus, 'disk_gb': disk,
            'availability_zone': zone, 'requested_host': host}


@pytest.mark.parametrize('nodes,request_spec,expected', [
    ([node('a'), node('b', ram_used=4096)], spec(), ['a', 'b']),
    ([node('a', up=False), node('b')], spec(), ['b']),
    ([node('a', disabled=True), node('b')], spec(), ['b']),
    ([node('a', ram=1024), node('b')], spec(ram=2048), ['b']),
    ([node('a', vcpus=1, vcpus_used=4), node('b')], spec(), ['b']),
    ([node('a', disk=10), node('b')], spec(disk=20), ['b']),
    ([node('a', zone='east'), node('b')], spec(zone='east'), ['a']),
    ([node('a'), node('b')], spec(host='b'), ['b']),
])
def test_filters_and_spread(conf, nodes, request_spec, expected):
    chosen = host_selection.select_hosts(request_spec, CONF, nodes)
    assert [n['host'] for n in chosen] == expected


def test_negative_ram_weight_packs(conf):
    conf.config(group='filter_scheduler', ram_weight_multiplier=-1.0)
    nodes = [node('a'), node('b', ram_used=4096)]
    assert [n['host'] for n in host_selection.select_hosts(
        spec(), CONF, nodes)] == ['b', 'a']


def test_nothing_fits(conf):
    with pytest.raises(exception.NoValidHost) as caught:
        host_selection.select_hosts(spec(ram=10 ** 6), CONF, [node('a')])
    assert 'No valid host was found' in caught.value.format_message()
    with pytest.raises(exception.NoValidHost):
        host_selection.select_hosts(spec(), CONF, [])


def test_unknown_filter_is_a_configuration_error(conf):
    conf.config(group='filter_scheduler', enabled_filters=['RamFilter',
                                                           'MagicFilter'])
    with pytest.raises(exception.ConfigInvalid) as caught:
        host_selection.enabled_filters(CONF)
    assert 'MagicFilter' in caught.value.format_message()
