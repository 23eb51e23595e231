"""The migrations build exactly the schema the models describe."""
from alembic import autogenerate
from alembic.migration import MigrationContext

from nova_core.db import migration, models, session


def test_models_match_migrations(db):
    with session.get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={
            'compare_type': True})
        diff = autogenerate.compare_metadata(context, models.Base.metadata)
    assert diff == []


def test_sync_twice_is_harmless(db):
    head = migration.db_version()
    migration.db_sync()
    assert migration.db_version() == head == '011'
