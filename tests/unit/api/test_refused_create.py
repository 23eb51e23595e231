"""A create that answers an error deletes what it recorded, also when the
database is away for a moment (the cause of many such errors)."""
from unittest import mock

import pytest
import sqlalchemy.exc as sa_exc

from nova_core import exception
from nova_core.api import servers_api
from tests.fixtures.clock import Clock


def _gone(statement='SELECT 1'):
    return sa_exc.OperationalError(statement, {}, Exception(
        2003, "Can't connect to MySQL server"))


def test_a_refused_create_deletes_its_server_once_the_db_is_back():
    clock = Clock()
    with mock.patch.object(servers_api.db_instances, 'destroy',
                           side_effect=[_gone(), _gone(), None,
                                        exception.InstanceNotFound(
                                            instance_id='b')]) as destroy:
        servers_api._forget([{'uuid': 'a'}, {'uuid': 'b'}],
                            sleep=clock.sleep, clock=clock)
    assert [c.args for c in destroy.call_args_list] == [
        ('a',), ('a',), ('a',), ('b',)]
    assert clock.slept == [1, 1]


def test_a_refused_create_gives_up_after_its_timeout():
    clock = Clock()
    with mock.patch.object(servers_api.db_instances, 'destroy',
                           side_effect=_gone()):
        with pytest.raises(sa_exc.OperationalError):
            servers_api._forget([{'uuid': 'a'}], timeout=3,
                                sleep=clock.sleep, clock=clock)
    assert clock.slept == [1, 1, 1, 1]
