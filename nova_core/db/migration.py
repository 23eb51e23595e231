"""Schema migrations (``nova-core-manage db sync``) through Alembic."""
import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from nova_core.db import session

MIGRATIONS = os.path.join(os.path.dirname(__file__), 'migrations')


def _config():
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', MIGRATIONS)
    return cfg


def db_sync(revision='head'):
    """Bring the schema to ``revision`` (the newest by default)."""
    with session.get_engine().begin() as connection:
        cfg = _config()
        cfg.attributes['connection'] = connection
        command.upgrade(cfg, revision)


def db_version():
    """The schema's current revision, or None for an empty database."""
    with session.get_engine().connect() as connection:
        return alembic_migration.MigrationContext.configure(
            connection).get_current_revision()
