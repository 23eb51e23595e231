"""``task_log``: the runs of periodic audits per host and period (Nova's
``task_log_*`` DB API), written through the conductor for the compute
hosts' instance usage audit and read by ``os-instance_usage_audit_log``.
"""
import sqlalchemy as sa

from nova_core.db import models
from nova_core.db.models import utcnow
from nova_core.db.session import reader, transaction

TL = models.TaskLog.__table__


def get_all(task_name, begin, end, host=None, state=None):
    """The runs of ``task_name`` over exactly [begin, end]."""
    query = sa.select(*TL.c).where(
        TL.c.task_name == task_name, TL.c.period_beginning == begin,
        TL.c.period_ending == end).order_by(TL.c.id)
    if host is not None:
        query = query.where(TL.c.host == host)
    if state is not None:
        query = query.where(TL.c.state == state)
    with reader() as session:
        return [dict(r) for r in session.execute(query).mappings()]


def begin_task(task_name, begin, end, host, task_items, message):
    """Record that ``host`` started the task for the period.

    :returns: False if a run is already recorded (another start won).
    """
    with transaction() as session:
        if session.execute(sa.select(TL.c.id).where(
                TL.c.task_name == task_name, TL.c.host == host,
                TL.c.period_beginning == begin,
                TL.c.period_ending == end)).first() is not None:
            return False
        session.execute(TL.insert().values(
            task_name=task_name, state='RUNNING', host=host,
            period_beginning=begin, period_ending=end, message=message,
            task_items=task_items, errors=0, created_at=utcnow()))
        return True


def end_task(task_name, begin, end, host, errors, message):
    """Mark the host's run of the period ``DONE``."""
    with transaction() as session:
        session.execute(TL.update().where(
            TL.c.task_name == task_name, TL.c.host == host,
            TL.c.period_beginning == begin,
            TL.c.period_ending == end).values(
                state='DONE', errors=errors, message=message[:255],
                updated_at=utcnow()))
