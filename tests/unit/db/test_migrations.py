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
    assert migration.db_version() == head == '010'


def test_fixed_ips_held_before_010_become_ports(conf, tmp_path):
    import sqlalchemy as sa
    session.dispose()
    conf.config(group='database',
                connection='sqlite:///%s/m.sqlite' % tmp_path)
    migration.db_sync('009')
    with session.get_engine().begin() as connection:
        for n in (2, 3):
            connection.execute(sa.text(
                "INSERT INTO fixed_ips (network, address, mac, "
                "instance_uuid, position, created_at) VALUES ('private', "
                ":a, :m, 'u', 0, '2026-01-01')"),
                {'a': '10.0.0.%d' % n, 'm': 'fa:16:3e:00:00:0%d' % n})
    migration.db_sync()
    with session.get_engine().connect() as connection:
        rows = connection.execute(sa.text(
            'SELECT port_id, tag FROM fixed_ips')).all()
    session.dispose()
    assert len({r.port_id for r in rows}) == 2
    assert all(len(r.port_id) == 36 and r.tag is None for r in rows)
