"""Fixed IPs: the address and MAC each instance holds on a network.

Revision ID: 005
Revises: 004
Create Date: 2026-12-02 02:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '005'
down_revision = '004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fixed_ips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network', sa.String(length=255), nullable=False),
        sa.Column('address', sa.String(length=39), nullable=False),
        sa.Column('mac', sa.String(length=17), nullable=False),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('network', 'address',
                            name='uniq_fixed_ips0network0address'),
        sa.UniqueConstraint('mac', name='uniq_fixed_ips0mac'),
    )
    op.create_index('fixed_ips_instance_uuid_idx', 'fixed_ips',
                    ['instance_uuid'], unique=False)


def downgrade():
    op.drop_index('fixed_ips_instance_uuid_idx', table_name='fixed_ips')
    op.drop_table('fixed_ips')
