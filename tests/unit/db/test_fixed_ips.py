"""Fixed IP allocation: one address per request, never one address (or
MAC) twice, also when another conductor takes it between our read and our
insert; all given back on delete; a clear error when none is left."""
import ipaddress
import re
import threading
import uuid as uuid_lib
from unittest import mock

import pytest
import sqlalchemy as sa

from nova_core import exception, network
from nova_core.conf import CONF
from nova_core.conf import network as network_conf
from nova_core.db import fixed_ips, instances, models
from nova_core.db.session import get_engine, transaction


@pytest.fixture
def nets(conf, db):
    conf.config(group='network', networks=['private', 'tiny'])
    network_conf.register_network(CONF, 'tiny')
    conf.config(group='network_tiny', cidr='192.168.5.0/29')
    return network.networks(CONF)


def _instance(**values):
    return instances.create(dict({
        'project_id': 'p', 'user_id': 'u', 'flavor_id': '1', 'flavor': {},
        'vcpus': 1, 'memory_mb': 64, 'root_gb': 1, 'vm_state': 'building'},
        **values))['uuid']


def _req(name='private', fixed_ip=None):
    return [{'network': name, 'fixed_ip': fixed_ip}]


def test_first_free_address_and_an_openstack_mac(nets):
    rows = fixed_ips.allocate(_instance(), _req(), nets)
    assert [(r['network'], r['address']) for r in rows] == [
        ('private', '10.0.0.2')]  # .0 network, .1 gateway
    assert rows[0]['mac'].startswith('fa:16:3e:')
    second = fixed_ips.allocate(_instance(), _req(), nets)
    assert second[0]['address'] == '10.0.0.3'


def test_allocation_is_idempotent_per_instance(nets):
    uuid = _instance()
    first = fixed_ips.allocate(uuid, _req(), nets)
    assert fixed_ips.allocate(uuid, _req(), nets) == first


def test_several_networks_and_a_requested_address(nets):
    uuid = _instance()
    rows = fixed_ips.allocate(uuid, _req('tiny', '192.168.5.6') + _req(),
                              nets)
    assert [(r['network'], r['address'], r['position']) for r in rows] == [
        ('tiny', '192.168.5.6', 0), ('private', '10.0.0.2', 1)]
    assert len({r['mac'] for r in rows}) == 2


def test_requested_address_in_use(nets):
    holder = _instance()
    fixed_ips.allocate(holder, _req(fixed_ip='10.0.0.9'), nets)
    with pytest.raises(exception.FixedIpAlreadyInUse) as caught:
        fixed_ips.allocate(_instance(), _req(fixed_ip='10.0.0.9'), nets)
    assert holder in caught.value.format_message()
    assert fixed_ips.holder('private', '10.0.0.9') == holder


def test_exhaustion_is_a_clear_error_and_leaves_nothing(nets):
    for _ in range(5):  # /29: 8 addresses, less network, broadcast, gw
        fixed_ips.allocate(_instance(), _req('tiny'), nets)
    last = _instance()
    with pytest.raises(exception.NoMoreFixedIps) as caught:
        fixed_ips.allocate(last, _req() + _req('tiny'), nets)
    assert caught.value.format_message() == (
        'No fixed IP addresses available for network: tiny')
    # All or nothing: the private address of the failed request is gone.
    assert fixed_ips.get_by_instances([last]) == {}


def test_delete_gives_the_addresses_back(nets):
    uuids = [_instance() for _ in range(5)]
    for uuid in uuids:
        fixed_ips.allocate(uuid, _req('tiny'), nets)
    freed = fixed_ips.get_by_instances([uuids[2]])[uuids[2]][0]['address']
    instances.destroy(uuids[2])
    assert fixed_ips.get_by_instances([uuids[2]]) == {}
    rows = fixed_ips.allocate(_instance(), _req('tiny'), nets)
    assert rows[0]['address'] == freed


def test_addresses_go_out_in_order_and_a_freed_one_waits(nets):
    """The address after the newest allocation comes first: one just
    given back goes out again only once the range is used up."""
    uuids = [_instance() for _ in range(3)]
    for uuid in uuids:
        fixed_ips.allocate(uuid, _req(), nets)
    instances.destroy(uuids[1])  # gives 10.0.0.3 back
    rows = fixed_ips.allocate(_instance(), _req(), nets)
    assert rows[0]['address'] == '10.0.0.5'


def test_after_the_range_wrapped_freed_addresses_are_found(nets):
    """Once the range was used to its end, the address after the newest
    may be held: the insert fails on the constraint and a full read finds
    a free one."""
    uuids = [_instance() for _ in range(5)]  # tiny: .2 to .6
    for uuid in uuids:
        fixed_ips.allocate(uuid, _req('tiny'), nets)
    instances.destroy(uuids[1])  # .3
    instances.destroy(uuids[3])  # .5
    first = fixed_ips.allocate(_instance(), _req('tiny'), nets)
    second = fixed_ips.allocate(_instance(), _req('tiny'), nets)  # after .3
    assert first[0]['address'] == '192.168.5.3'
    assert second[0]['address'] == '192.168.5.5'
    with pytest.raises(exception.NoMoreFixedIps):
        fixed_ips.allocate(_instance(), _req('tiny'), nets)


def test_the_first_pick_reads_one_row_not_every_address(nets):
    for _ in range(20):
        fixed_ips.allocate(_instance(), _req(), nets)
    seen = []
    engine = get_engine()

    def record(conn, cursor, statement, *args):
        seen.append(re.sub(r'\s+', ' ', statement))

    sa.event.listen(engine, 'before_cursor_execute', record)
    try:
        rows = fixed_ips.allocate(_instance(), _req(), nets)
    finally:
        sa.event.remove(engine, 'before_cursor_execute', record)
    assert rows[0]['address'] == '10.0.0.22'
    reads = [s for s in seen if s.startswith('SELECT fixed_ips.address')]
    assert len(reads) == 1 and 'LIMIT' in reads[0], seen


@pytest.mark.parametrize('cidr, gateway, newest, expected', [
    ('10.0.0.0/24', '10.0.0.1', None, '10.0.0.2'),
    ('10.0.0.0/24', '10.0.0.1', '10.0.0.7', '10.0.0.8'),
    ('10.0.0.0/24', '10.0.0.9', '10.0.0.8', '10.0.0.10'),  # the gateway
    ('10.0.0.0/24', '10.0.0.1', '10.0.0.253', '10.0.0.254'),
    ('10.0.0.0/24', '10.0.0.1', '10.0.0.254', None),  # then the broadcast
    ('10.0.0.0/24', '10.0.0.1', '10.0.1.7', None),  # the CIDR was changed
    ('10.0.0.0/24', '10.0.0.1', 'fd00::7', None),
    ('255.255.255.0/24', '255.255.255.1', '255.255.255.255', None),
    ('fd00::/64', 'fd00::1', 'fd00::9', 'fd00::a'),
])
def test_the_address_after_the_newest(cidr, gateway, newest, expected):
    net = network.Network(
        name='n', cidr=ipaddress.ip_network(cidr),
        gateway=ipaddress.ip_address(gateway), dns_servers=(),
        bridge=None, libvirt_network=None)
    assert fixed_ips._after(net, newest) == expected


def test_deleted_instance_gets_no_address(nets):
    uuid = _instance()
    instances.destroy(uuid)
    with pytest.raises(exception.InstanceNotFound):
        fixed_ips.allocate(uuid, _req(), nets)
    with transaction() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(
            models.FixedIp.__table__)).scalar() == 0


def test_address_taken_between_read_and_insert_is_retried(nets):
    """Another conductor committed 10.0.0.2 after our read: our insert
    fails on the unique constraint, and the allocation starts again from
    a fresh read (no lock of ours could have prevented it)."""
    other, ours = _instance(), _instance()
    fixed_ips.allocate(other, _req(), nets)  # takes 10.0.0.2
    real_pick = fixed_ips._pick
    calls = []

    def stale_then_real(session, net, spread):
        calls.append(spread)
        if len(calls) == 1:
            return '10.0.0.2'  # what a read before its commit chose
        return real_pick(session, net, spread)

    with mock.patch.object(fixed_ips, '_pick', autospec=True,
                           side_effect=stale_then_real):
        rows = fixed_ips.allocate(ours, _req(), nets)
    assert calls == [False, True]  # the retry spreads its choice
    assert rows[0]['address'] not in ('10.0.0.2', '10.0.0.1', '10.0.0.0')
    assert fixed_ips.holder('private', '10.0.0.2') == other


def test_race_inside_a_callers_transaction_rolls_back_only_its_attempt(
        nets):
    """The conductor allocates in its claim's transaction: an insert that
    lost a race is rolled back to a savepoint, and what the transaction
    did before it (here: an update of the instance) is kept."""
    other, ours = _instance(), _instance()
    fixed_ips.allocate(other, _req(), nets)  # takes 10.0.0.2
    real_pick = fixed_ips._pick
    calls = []

    def stale_then_real(session, net, spread):
        calls.append(spread)
        return '10.0.0.2' if len(calls) == 1 else real_pick(
            session, net, spread)

    with mock.patch.object(fixed_ips, '_pick', autospec=True,
                           side_effect=stale_then_real):
        with transaction():
            instances.update(ours, {'display_name': 'before-the-race'})
            rows = fixed_ips.allocate(ours, _req(), nets)
    assert calls == [False, True]
    assert instances.get(ours)['display_name'] == 'before-the-race'
    assert fixed_ips.get_by_instances([ours])[ours] == rows
    assert rows[0]['address'] not in ('10.0.0.2', '10.0.0.1', '10.0.0.0')


def test_allocation_in_a_transaction_that_fails_later_is_undone(nets):
    """All or nothing with the caller's transaction: a claim that fails
    after the allocation leaves no address behind."""
    uuid = _instance()
    with pytest.raises(exception.NoValidHost):
        with transaction():
            fixed_ips.allocate(uuid, _req(), nets)
            raise exception.NoValidHost(reason='none fits')
    assert fixed_ips.get_by_instances([uuid]) == {}


def test_mac_taken_meanwhile_is_retried(nets):
    macs = iter(['fa:16:3e:aa:aa:aa', 'fa:16:3e:aa:aa:aa',
                 'fa:16:3e:bb:bb:bb'])
    with mock.patch.object(fixed_ips, 'random_mac', autospec=True,
                           side_effect=lambda: next(macs)):
        first = fixed_ips.allocate(_instance(), _req(), nets)
        second = fixed_ips.allocate(_instance(), _req(), nets)
    assert first[0]['mac'] == 'fa:16:3e:aa:aa:aa'
    assert second[0]['mac'] == 'fa:16:3e:bb:bb:bb'


def test_a_network_that_keeps_being_taken_gives_up(nets):
    fixed_ips.allocate(_instance(), _req(), nets)
    with mock.patch.object(fixed_ips, '_pick', autospec=True,
                           return_value='10.0.0.2'):
        with pytest.raises(exception.NoMoreFixedIps):
            fixed_ips.allocate(_instance(), _req(), nets)


def test_unique_constraints_hold_in_the_database(nets):
    row = {'network': 'private', 'address': '10.0.0.7', 'mac': 'm1',
           'instance_uuid': str(uuid_lib.uuid4()), 'position': 0,
           'port_id': 'p1', 'created_at': models.utcnow()}
    table = models.FixedIp.__table__
    with transaction() as session:
        session.execute(table.insert(), row)
    for clash in ({'mac': 'm2', 'port_id': 'p2'},
                  {'address': '10.0.0.8', 'port_id': 'p3'},
                  {'address': '10.0.0.9', 'mac': 'm4'}):
        with pytest.raises(sa.exc.IntegrityError):
            with transaction() as session:
                session.execute(table.insert(), dict(row, **clash))
    with transaction() as session:  # same address, another network
        session.execute(table.insert(), dict(row, network='tiny',
                                             mac='m3', port_id='p5'))


def test_concurrent_builds_never_share_an_address(nets):
    uuids = [_instance() for _ in range(12)]
    errors = []

    def build(uuid):
        try:
            fixed_ips.allocate(uuid, _req(), nets)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=build, args=(u,)) for u in uuids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    held = fixed_ips.get_by_instances(uuids)
    addresses = [rows[0]['address'] for rows in held.values()]
    assert len(held) == 12 and len(set(addresses)) == 12


def test_ip_filter_matches_from_the_start(nets):
    a, b = _instance(), _instance()
    fixed_ips.allocate(a, _req(fixed_ip='10.0.0.12'), nets)
    fixed_ips.allocate(b, _req(fixed_ip='10.0.0.120'), nets)
    assert fixed_ips.instances_matching(re.compile(r'10\.0\.0\.12$'),
                                        4) == {a}
    assert fixed_ips.instances_matching(re.compile('10.0.0.12'), 4) == {
        a, b}
    assert fixed_ips.instances_matching(re.compile('0.0'), 4) == set()
    assert fixed_ips.instances_matching(re.compile('10'), 6) == set()


def test_ports_attached_after_the_others_and_released_alone(nets):
    uuid = _instance()
    (first,) = fixed_ips.allocate(uuid, _req(), nets)
    assert uuid_lib.UUID(first['port_id']) and first['tag'] is None
    port = fixed_ips.allocate_port(uuid, nets['tiny'], tag='nic2')
    assert (port['network'], port['position'], port['tag']) == (
        'tiny', 1, 'nic2')
    assert port['address'] == '192.168.5.2'
    assert fixed_ips.get_port(port['port_id']) == port
    fixed_ips.release_port(uuid, port['port_id'])
    assert fixed_ips.get_port(port['port_id']) is None
    assert fixed_ips.get_by_instances([uuid])[uuid] == [first]
    with pytest.raises(exception.PortNotFound):
        fixed_ips.release_port(uuid, port['port_id'])
    with pytest.raises(exception.PortNotFound):  # not this instance's
        fixed_ips.release_port(_instance(), first['port_id'])


def test_port_on_an_instance_without_addresses_is_its_first(nets):
    uuid = _instance()
    port = fixed_ips.allocate_port(uuid, nets['private'], '10.0.0.9')
    assert (port['address'], port['position']) == ('10.0.0.9', 0)


def test_port_address_in_use_or_none_left(nets):
    holder = _instance()
    fixed_ips.allocate(holder, _req('tiny', '192.168.5.3'), nets)
    uuid = _instance()
    with pytest.raises(exception.FixedIpAlreadyInUse) as exc:
        fixed_ips.allocate_port(uuid, nets['tiny'], '192.168.5.3')
    assert holder in str(exc.value)
    for _ in range(4):  # .2 .4 .5 .6 of the /29 (.1 gateway)
        fixed_ips.allocate_port(uuid, nets['tiny'])
    with pytest.raises(exception.NoMoreFixedIps):
        fixed_ips.allocate_port(uuid, nets['tiny'])
    assert len(fixed_ips.get_by_instances([uuid])[uuid]) == 4


def test_port_of_a_deleted_instance(nets):
    uuid = _instance()
    instances.destroy(uuid)
    with pytest.raises(exception.InstanceNotFound):
        fixed_ips.allocate_port(uuid, nets['private'])
    assert fixed_ips.get_by_instances([uuid]) == {}
