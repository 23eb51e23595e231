"""Fixed IPs: which instance holds which address (and MAC) of a network.

Allocation relies on the database, not on a lock of this process: a row
per address taken, unique on (network, address) and on mac. A conductor
takes the address after the network's newest allocation (one indexed row
read, however many the network holds: addresses go out in order, and one
just given back is not handed out again at once) and inserts it; past the
end of the range it reads every address taken and takes the first free
one. When another conductor took the same address (or MAC) meanwhile, or
the range wrapped and the address after the newest is held, the insert
fails on the constraint, the attempt is rolled back (its
transaction, or its savepoint within a caller's transaction) and the
allocation starts again from a full read, choosing among the first free
addresses at random so that racing conductors part ways. Giving an
address back deletes its row, in the transaction that deletes the
instance.
"""
import ipaddress
import itertools
import logging
import random
import uuid as uuid_lib

import sqlalchemy as sa

from nova_core import exception
from nova_core import network as network_mod
from nova_core.db import models
from nova_core.db.retry import retry_on_db_error
from nova_core.db.session import reader, savepoint, transaction

LOG = logging.getLogger(__name__)

F = models.FixedIp
FT = F.__table__
IT = models.Instance.__table__
#: Allocations tried before giving up on a network that keeps being
#: taken under our feet (each attempt re-reads what is free).
MAX_ATTEMPTS = 20
#: After a lost race, the address is chosen at random among this many
#: free ones.
SPREAD = 64
#: OpenStack's MAC prefix (Neutron's base_mac, Nova's before it).
MAC_PREFIX = 'fa:16:3e'

_LIVE_INSTANCE = sa.select(IT.c.id).where(
    IT.c.uuid == sa.bindparam('b_uuid'), IT.c.deleted == 0)
_OF_INSTANCE = sa.select(*FT.c).where(
    FT.c.instance_uuid == sa.bindparam('b_uuid')).order_by(FT.c.position)
_TAKEN = sa.select(FT.c.address).where(FT.c.network == sa.bindparam('b_net'))
_NEWEST = _TAKEN.order_by(FT.c.id.desc()).limit(1)
_HOLDER = sa.select(FT.c.instance_uuid).where(
    FT.c.network == sa.bindparam('b_net'),
    FT.c.address == sa.bindparam('b_addr'))
_RELEASE = FT.delete().where(FT.c.instance_uuid == sa.bindparam('b_uuid'))


def allocate(instance_uuid, requests, networks):
    """Give ``instance_uuid`` one address per request (``{"network":
    name, "fixed_ip": address or None}``) on ``networks`` (name ->
    :class:`nova_core.network.Network`), all or none. An instance that
    holds addresses already keeps them (a re-scheduled build). Called in
    a transaction, it is part of it (each attempt in a savepoint).

    :returns: the instance's fixed IP rows, in request order.
    :raises: NoMoreFixedIps, FixedIpAlreadyInUse (the requested address
        is taken), InstanceNotFound (deleted meanwhile).
    """
    if not requests:
        return []
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _allocate_once(instance_uuid, requests, networks,
                                  spread=attempt > 0)
        except sa.exc.IntegrityError:
            _log_taken(instance_uuid, attempt)
    raise exception.NoMoreFixedIps(net=', '.join(
        dict.fromkeys(r['network'] for r in requests)))


@retry_on_db_error
def _allocate_once(instance_uuid, requests, networks, spread):
    # Inside a caller's transaction (the conductor's claim), a savepoint:
    # a lost race rolls back this attempt only.
    with savepoint() as session:
        # Locks the instance: a delete waits for the allocation, and an
        # allocation after the delete finds no instance (nothing leaks).
        if session.execute(_LIVE_INSTANCE.with_for_update(), {
                'b_uuid': instance_uuid}).first() is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        held = _rows(session, instance_uuid)
        if held:
            return held
        now = models.utcnow()
        rows = []
        for position, request in enumerate(requests):
            network = networks[request['network']]
            address = request['fixed_ip'] or _pick(
                session, network, spread)
            if request['fixed_ip']:
                _check_free(session, network.name, address)
            rows.append(_insert(session, network.name, address,
                                instance_uuid, position, now))
        return rows


def _insert(session, network, address, instance_uuid, position, now,
            tag=None):
    """Insert a fixed IP row; returns it as inserted (no read back)."""
    row = {'network': network, 'address': address, 'mac': random_mac(),
           'instance_uuid': instance_uuid, 'position': position,
           'port_id': str(uuid_lib.uuid4()), 'tag': tag, 'created_at': now}
    result = session.execute(FT.insert(), row)
    return dict(row, id=result.inserted_primary_key[0])


def allocate_port(instance_uuid, network, fixed_ip=None, tag=None):
    """Give ``instance_uuid`` one more address (an interface attached
    to it) on ``network`` (a :class:`nova_core.network.Network`):
    ``fixed_ip`` if given, else a free one; after its other interfaces.
    Atomic as :func:`allocate` is (a lost race tries again).

    :returns: the new fixed IP row.
    :raises: NoMoreFixedIps, FixedIpAlreadyInUse, InstanceNotFound.
    """
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _allocate_port_once(instance_uuid, network, fixed_ip, tag,
                                       spread=attempt > 0)
        except sa.exc.IntegrityError:
            if fixed_ip:  # taken meanwhile: the next read says by whom
                continue
            _log_taken(instance_uuid, attempt)
    raise exception.NoMoreFixedIps(net=network.name)


@retry_on_db_error
def _allocate_port_once(instance_uuid, network, fixed_ip, tag, spread):
    with savepoint() as session:
        if session.execute(_LIVE_INSTANCE.with_for_update(), {
                'b_uuid': instance_uuid}).first() is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        if fixed_ip:
            _check_free(session, network.name, fixed_ip)
        address = fixed_ip or _pick(session, network, spread)
        position = session.execute(
            sa.select(sa.func.max(FT.c.position)).where(
                FT.c.instance_uuid == instance_uuid)).scalar()
        return _insert(session, network.name, address, instance_uuid,
                       0 if position is None else position + 1,
                       models.utcnow(), tag)


def _log_taken(instance_uuid, attempt):
    # After the range wrapped, the address after the newest may be held
    # already, not only taken by a racing conductor.
    LOG.info('Instance %s: the address or MAC chosen was taken; '
             'allocating again from a full read (attempt %d)',
             instance_uuid, attempt + 2)


def _pick(session, network, spread):
    """A free address of ``network`` (see the module's docstring): the
    one after its newest allocation, unless ``spread`` (a race was lost)
    or the range is used up to its end; then one of the first free
    addresses, at random among :data:`SPREAD` of them if ``spread``."""
    if not spread:
        address = _after(network, session.execute(
            _NEWEST, {'b_net': network.name}).scalar())
        if address is not None:
            return address
    taken = {ipaddress.ip_address(a) for a in session.execute(
        _TAKEN, {'b_net': network.name}).scalars()}
    reserved = network.reserved()
    free = (a for a in network.cidr.hosts()
            if a not in taken and a not in reserved)
    candidates = list(itertools.islice(free, SPREAD if spread else 1))
    if not candidates:
        raise exception.NoMoreFixedIps(net=network.name)
    return str(random.choice(candidates))


def _after(network, newest):
    """The first address after ``newest`` (the first of the range if
    None) that ``network`` may give, or None past its end."""
    reserved = network.reserved()
    try:
        address = (network.cidr.network_address if newest is None else
                   ipaddress.ip_address(newest)) + 1
        while (address.version == network.cidr.version and
               address in network.cidr):
            if address not in reserved:
                return str(address)
            address += 1
    except ValueError:  # past the end of the address space
        pass
    return None


def _check_free(session, network, address):
    holder = session.execute(_HOLDER, {'b_net': network,
                                       'b_addr': address}).scalar()
    if holder is not None:
        raise exception.FixedIpAlreadyInUse(address=address,
                                            instance_uuid=holder)


def _rows(session, instance_uuid):
    return [dict(r) for r in session.execute(
        _OF_INSTANCE, {'b_uuid': instance_uuid}).mappings()]


def random_mac():
    return '%s:%02x:%02x:%02x' % (MAC_PREFIX, random.randint(0, 255),
                                  random.randint(0, 255),
                                  random.randint(0, 255))


def release(instance_uuid):
    """Give the addresses of ``instance_uuid`` back to their networks
    (inside the caller's transaction, if any)."""
    with transaction() as session:
        session.execute(_RELEASE, {'b_uuid': instance_uuid})


def release_port(instance_uuid, port_id):
    """Give back the address of port ``port_id`` of ``instance_uuid``
    (a detached interface).

    :raises: PortNotFound when the instance holds no such port.
    """
    with transaction() as session:
        if not session.execute(FT.delete().where(
                FT.c.instance_uuid == instance_uuid,
                FT.c.port_id == port_id)).rowcount:
            raise exception.PortNotFound(port_id=port_id)


def get_port(port_id):
    """The fixed IP row of port ``port_id``, or None."""
    with reader() as session:
        row = session.execute(sa.select(*FT.c).where(
            FT.c.port_id == port_id)).mappings().first()
    return dict(row) if row is not None else None


def holder(network, address):
    """The uuid of the instance holding ``address`` on ``network``, or
    None."""
    with reader() as session:
        return session.execute(_HOLDER, {'b_net': network,
                                         'b_addr': address}).scalar()


def get_by_instances(instance_uuids):
    """uuid -> its fixed IP rows (in interface order), for each of
    ``instance_uuids`` that holds any; one query."""
    result = {}
    if not instance_uuids:
        return result
    query = sa.select(*FT.c).where(
        FT.c.instance_uuid.in_(list(instance_uuids))).order_by(
            FT.c.instance_uuid, FT.c.position)
    with reader() as session:
        for row in session.execute(query).mappings():
            result.setdefault(row['instance_uuid'], []).append(dict(row))
    return result


def network_info(instance, known):
    """What a compute host plugs ``instance`` into (``network_info``, see
    :func:`nova_core.network.vifs`), from the networks ``known``; none
    for an instance that asked for no network (only :func:`allocate`
    gives addresses, for its requests: it is not looked up)."""
    if not network_mod.requests_of(instance):
        return []
    uuid = instance['uuid']
    return network_mod.vifs(get_by_instances([uuid]).get(uuid), known)


def instances_matching(pattern, version):
    """uuids of the instances holding an address of IP ``version`` (4 or
    6) that the compiled regular expression ``pattern`` matches from its
    start (the ``ip``/``ip6`` list filters)."""
    with reader() as session:
        rows = session.execute(sa.select(FT.c.instance_uuid,
                                         FT.c.address)).all()
    return {uuid for uuid, address in rows
            if ipaddress.ip_address(address).version == version and
            pattern.match(address) is not None}
