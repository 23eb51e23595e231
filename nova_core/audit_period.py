"""Audit periods, as Nova's ``utils.last_completed_audit_period`` cuts
them: ``[DEFAULT] instance_usage_audit_period`` is ``hour``, ``day``,
``month`` or ``year``, optionally ``@offset`` (the minute, hour, day of
the month or month of the year a period starts at)."""
import datetime

UNITS = ('hour', 'day', 'month', 'year')


def _previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _month(now, offset):
    offset = offset or 1
    end = datetime.datetime(now.year, now.month, offset)
    if end >= now:
        end = datetime.datetime(*_previous_month(now.year, now.month),
                                offset)
    return datetime.datetime(*_previous_month(end.year, end.month),
                             offset), end


def _year(now, offset):
    offset = offset or 1
    end = datetime.datetime(now.year, offset, 1)
    if end >= now:
        end = datetime.datetime(now.year - 1, offset, 1)
    return datetime.datetime(end.year - 1, offset, 1), end


def _day(now, offset):
    end = datetime.datetime(now.year, now.month, now.day, offset)
    if end >= now:
        end -= datetime.timedelta(days=1)
    return end - datetime.timedelta(days=1), end


def _hour(now, offset):
    end = now.replace(minute=offset, second=0, microsecond=0)
    if end >= now:
        end -= datetime.timedelta(hours=1)
    return end - datetime.timedelta(hours=1), end


_CUTS = {'hour': _hour, 'day': _day, 'month': _month, 'year': _year}


def parse(period):
    """``(unit, offset)`` of ``period``.

    :raises: ValueError for a unit or offset that is not one.
    """
    unit, _, offset = period.partition('@')
    if unit not in UNITS:
        raise ValueError('Time period must be hour, day, month or year')
    return unit, int(offset) if offset else 0


def last_completed(period, before):
    """``(begin, end)`` of the last ``period`` that ended before
    ``before`` (naive UTC datetimes).

    :raises: ValueError when the period would start before year 1.
    """
    unit, offset = parse(period)
    return _CUTS[unit](before, offset)
