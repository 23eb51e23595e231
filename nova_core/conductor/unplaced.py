"""What a move that found no host leaves behind, as Nova leaves it.

A resize, cold migration, evacuation, live migration or unshelve that
the conductor could not place (no valid host, a pre-check that failed,
the shelved image gone) changes nothing but its own records, in one
transaction: its migration (if it has one) goes to ``error``, the
instance gets a fault saying why (not for a live migration's pre-check,
which Nova answers to the caller), its conductor event finishes with
``Error``, and its task state is cleared if it is still the move's, so
the server stays as it was (ACTIVE where it ran, offloaded where it was
shelved).
"""
import logging

from nova_core import exception
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db import moves
from nova_core.db import session as db_session

LOG = logging.getLogger(__name__)


def record(context, uuid, exc, *, what, event, task_state, started, host,
           migration=None, fault=True):
    """Record that the move ``what`` ("Resize", ...) of instance ``uuid``
    stopped with ``exc`` before it left its host.

    :param event: the conductor's event of the move, begun at ``started``
        on ``host``.
    :param task_state: the move's task state, cleared if it is still the
        instance's.
    """
    message = exc.format_message()
    LOG.warning('%s of %s: %s', what, uuid, message)
    with db_session.transaction():
        if migration is not None:
            moves.set_status(migration['id'], 'error')
        if fault:
            db_instances.fault_create(uuid, 500, message)
        db_actions.event_finish(uuid, context.request_id, event, 'Error',
                                details=message, start_time=started,
                                host=host)
        try:
            db_instances.update(uuid, {'task_state': None},
                                expected_task_state=task_state)
        except (exception.InstanceNotFound,
                exception.InstanceTaskStateConflict):
            pass
