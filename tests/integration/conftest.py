"""Fixtures for tests against real services.

Every fixture here is opt-in by name: nothing starts or creates anything
unless a test asks for it. A missing service fails the test under ``CI``
and skips it elsewhere (:mod:`tests.fixtures.services`).

- ``rabbit_vhost``: a private RabbitMQ vhost and user for the session
  (``.transport_url``), deleted at the end.
- ``mariadb_url`` / ``postgresql_url``: a fresh, empty database per use,
  as an SQLAlchemy URL; dropped afterwards. ``mariadb_module_url``: the
  same, shared by one module's tests.
- ``broker`` / ``database``: a private RabbitMQ / MariaDB (own port and
  data directory) per module, which that module's tests may stop and
  start; the machine's own services are never touched.
"""
import contextlib
import shutil
import subprocess

import pytest

from tests.fixtures import private_services
from tests.fixtures.services import require, require_port
from tests.integration import cloud


@pytest.fixture(scope='session')
def rabbit_vhost():
    require_port('RabbitMQ', *cloud.RABBIT)
    require(shutil.which('rabbitmqctl') is not None,
            'rabbitmqctl is not installed')
    vhost = cloud.RabbitVhost()
    try:
        vhost.create()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        vhost.delete()
        require(False, 'rabbitmqctl could not create a vhost: %s'
                % getattr(exc, 'stderr', exc))
    yield vhost
    vhost.delete()


@contextlib.contextmanager
def _database(kind):
    """A fresh database of ``kind`` ('mariadb' or 'postgresql')."""
    if kind == 'mariadb':
        require_port('MariaDB', *cloud.MARIADB)
        create, drop = cloud.create_mariadb, cloud.drop_mariadb
    else:
        require_port('PostgreSQL', *cloud.POSTGRESQL)
        create, drop = cloud.create_postgresql, cloud.drop_postgresql
    name = cloud.unique_name('nova_core_it')
    url = create(name)
    try:
        yield url
    finally:
        drop(name)


@pytest.fixture
def mariadb_url():
    with _database('mariadb') as url:
        yield url


@pytest.fixture
def postgresql_url():
    with _database('postgresql') as url:
        yield url


@pytest.fixture(scope='module')
def mariadb_module_url():
    """A fresh MariaDB database shared by the tests of one module."""
    with _database('mariadb') as url:
        yield url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, add the logs of the processes a test ran against.

    Any fixture value with a ``logs()`` method and a ``processes``
    attribute (a :class:`tests.integration.cloud.MultiProcessCloud`)
    contributes a section to the report.
    """
    report = yield
    if report.failed:
        for value in getattr(item, 'funcargs', {}).values():
            if isinstance(value, cloud.MultiProcessCloud):
                report.sections.append(('nova-core process logs',
                                        value.logs()))
    return report


@pytest.fixture(scope='module')
def broker(tmp_path_factory):
    require(private_services.available('rabbitmq'), 'RabbitMQ not installed')
    server = private_services.PrivateRabbitMQ(
        tmp_path_factory.mktemp('rabbit')).start()
    yield server
    server.stop()


@pytest.fixture(scope='module')
def database(tmp_path_factory):
    require(private_services.available('mariadb'), 'MariaDB not installed')
    server = private_services.PrivateMariaDB(
        tmp_path_factory.mktemp('mariadb')).start()
    yield server
    server.stop()
