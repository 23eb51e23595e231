"""The checks the rules of :mod:`nova_core.conductor.authz` are made of:
of values a compute host sends, and of whose an instance is."""
import datetime

import sqlalchemy as sa

from nova_core import exception
from nova_core.compute import power_state
from nova_core.db import models, moves
from nova_core.db.session import transaction

MAX_TEXT = 255
MAX_DETAILS = 65535
#: How many guests one reaping pass may ask about.
MAX_REAP_QUERY = 10000

_IT = models.Instance.__table__
_OWNER = sa.select(_IT.c.host, _IT.c.task_state, _IT.c.vm_state,
                   _IT.c.deleted).where(
    _IT.c.uuid == sa.bindparam('b_uuid')).with_for_update()


class Refused(Exception):
    """A rule's refusal; ``reason`` is logged and sent back."""

    def __init__(self, reason, instance=None):
        super().__init__(reason)
        self.reason = reason
        self.instance = instance


# --- value checks ----------------------------------------------------------

def text(value, limit=MAX_TEXT, none=False):
    return (value is None and none) or (isinstance(value, str) and
                                        len(value) <= limit)


def integer(value, low=0, high=2 ** 31 - 1):
    return (isinstance(value, int) and not isinstance(value, bool) and
            low <= value <= high)


def number(value, low, high):
    return (isinstance(value, (int, float)) and
            not isinstance(value, bool) and low <= value <= high)


def iso_time(value):
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def one_of(*allowed):
    return lambda value: value in allowed


POWER_STATES = one_of(*power_state.STATE_MAP)


def check_fields(what, values, allowed):
    """``values`` hold only keys of ``allowed``, each value passing its
    check."""
    if not isinstance(values, dict):
        raise Refused('%s must be an object' % what)
    for key, value in values.items():
        check = allowed.get(key)
        if check is None:
            raise Refused('%s may not set %s' % (what, key))
        if not check(value):
            raise Refused('%s: %r is not a valid %s' % (what, value, key))


def is_caller(host, claimed, what='host'):
    if claimed != host:
        raise Refused('%s %r is not the calling host' % (what, claimed))


def in_transaction(rule):
    """Mark ``rule`` as one that reads rows: the guard runs it and the
    method in one transaction. Such a rule may return a check
    ``check(row)`` that the guard runs after the method, in that
    transaction, on the instance the method returned (``row``), or with
    ``None`` when the method raised InstanceNotFound or
    InstanceTaskStateConflict."""
    rule.in_transaction = True
    return rule


def uuid_list(uuids):
    """A list of instance uuids, of at most :data:`MAX_REAP_QUERY`."""
    if not (isinstance(uuids, list) and len(uuids) <= MAX_REAP_QUERY and
            all(text(u, 36) for u in uuids)):
        raise Refused('instance_uuids must be a list of at most %d uuids'
                      % MAX_REAP_QUERY)


# --- whose instance --------------------------------------------------------

def checked_uuid(uuid):
    if not isinstance(uuid, str):
        raise Refused('instance_uuid must be a string')
    return uuid


def owned(uuid, host, on_host):
    """Refuse unless ``host`` is ``on_host`` or an end of the instance's
    resize under way."""
    if on_host == host:
        return
    migration = moves.get_in_progress(uuid)
    if migration is not None and host in (migration['source_compute'],
                                          migration['dest_compute']):
        return
    raise Refused('instance is on host %s' % on_host, instance=uuid)


def lock_instance(uuid, host):
    """The instance's row, locked, if it is ``host``'s.

    :raises: InstanceNotFound, Refused.
    """
    with transaction() as session:
        row = session.execute(_OWNER, {'b_uuid': checked_uuid(uuid)}
                              ).mappings().first()
    if row is None or row['deleted']:
        raise exception.InstanceNotFound(instance_id=uuid)
    owned(uuid, host, row['host'])
    return row


def written_row_is_owned(uuid, host):
    """The check after a write of instance ``uuid`` (see
    :func:`in_transaction`): the row the write returned is ``host``'s;
    where the write failed, the guard reads whose the instance is, so that
    another host's instance is refused rather than reported on."""
    checked_uuid(uuid)

    def check(row):
        if row is None:
            lock_instance(uuid, host)
        else:
            owned(uuid, host, row['host'])
    return check


def compute_event(name):
    """Whether ``name`` is an action event a compute may record."""
    return (isinstance(name, str) and name.startswith('compute_') and
            len(name) <= MAX_TEXT)


def event_name(event):
    if not compute_event(event):
        raise Refused('a compute records only compute_* events')
