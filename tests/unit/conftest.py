"""Unit tests: no services; configuration parsed once, overrides per test."""
import pytest

from tests.fixtures.conf import ConfFixture


@pytest.fixture
def conf():
    fixture = ConfFixture()
    yield fixture
    fixture.cleanup()


@pytest.fixture
def db(conf, tmp_path):
    """A migrated SQLite database of this test's own."""
    from nova_core.db import migration, session
    session.dispose()
    conf.config(group='database',
                connection='sqlite:///%s/unit.sqlite' % tmp_path)
    migration.db_sync()
    yield
    session.dispose()
