"""Audit periods cut as Nova's ``last_completed_audit_period``."""
import datetime

import pytest

from nova_core import audit_period

D = datetime.datetime


@pytest.mark.parametrize('period,before,expected', [
    ('month', D(2020, 3, 15, 10), (D(2020, 2, 1), D(2020, 3, 1))),
    ('month', D(2020, 3, 1), (D(2020, 1, 1), D(2020, 2, 1))),
    ('month', D(2020, 1, 10), (D(2019, 12, 1), D(2020, 1, 1))),
    ('month@15', D(2020, 3, 10), (D(2020, 1, 15), D(2020, 2, 15))),
    ('year', D(2020, 3, 1), (D(2019, 1, 1), D(2020, 1, 1))),
    ('year@6', D(2020, 3, 1), (D(2018, 6, 1), D(2019, 6, 1))),
    ('day', D(2020, 3, 1, 5), (D(2020, 2, 29), D(2020, 3, 1))),
    ('day@6', D(2020, 3, 1, 5), (D(2020, 2, 28, 6), D(2020, 2, 29, 6))),
    ('hour', D(2020, 3, 1, 5, 30), (D(2020, 3, 1, 4), D(2020, 3, 1, 5))),
    ('hour@45', D(2020, 3, 1, 5, 30),
     (D(2020, 3, 1, 3, 45), D(2020, 3, 1, 4, 45))),
])
def test_last_completed(period, before, expected):
    assert audit_period.last_completed(period, before) == expected


@pytest.mark.parametrize('period,before', [
    ('week', D(2020, 1, 1)), ('month', D(1, 1, 15)), ('year', D(1, 6, 1)),
])
def test_refused(period, before):
    with pytest.raises(ValueError):
        audit_period.last_completed(period, before)
