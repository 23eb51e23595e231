"""Alembic environment: migrations run on the engine nova-core configured."""
from alembic import context

from nova_core.db import models, session

config = context.config


def run_migrations_online():
    connectable = config.attributes.get('connection')
    if connectable is None:
        with session.get_engine().connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection):
    context.configure(connection=connection,
                      target_metadata=models.Base.metadata,
                      render_as_batch=connection.dialect.name == 'sqlite',
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
