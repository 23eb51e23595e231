"""Compute nodes keep their driver's capabilities, reported with their
resources, so that choosing a host never asks the host itself.

Revision ID: 004
Revises: 003
Create Date: 2026-12-01 11:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '004'
down_revision = '003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compute_nodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capabilities', sa.JSON(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('compute_nodes', schema=None) as batch_op:
        batch_op.drop_column('capabilities')
