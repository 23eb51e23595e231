"""Each fixed IP is a port of the server (``os-interface``): a stable
``port_id`` and the ``tag`` a user gave its interface (2.49).

Revision ID: 010
Revises: 009
Create Date: 2026-12-02 11:00:00.000000
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = '010'
down_revision = '009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fixed_ips') as batch_op:
        batch_op.add_column(sa.Column('port_id', sa.String(length=36),
                                      nullable=True))
        batch_op.add_column(sa.Column('tag', sa.String(length=60),
                                      nullable=True))
    table = sa.table('fixed_ips', sa.column('id', sa.Integer),
                     sa.column('port_id', sa.String))
    bind = op.get_bind()
    for (row_id,) in bind.execute(sa.select(table.c.id)).all():
        bind.execute(table.update().where(table.c.id == row_id).values(
            port_id=str(uuid.uuid4())))
    with op.batch_alter_table('fixed_ips') as batch_op:
        batch_op.alter_column('port_id', existing_type=sa.String(length=36),
                              nullable=False)
        batch_op.create_unique_constraint('uniq_fixed_ips0port_id',
                                          ['port_id'])


def downgrade():
    with op.batch_alter_table('fixed_ips') as batch_op:
        batch_op.drop_constraint('uniq_fixed_ips0port_id', type_='unique')
        batch_op.drop_column('tag')
        batch_op.drop_column('port_id')
