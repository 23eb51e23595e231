"""Console tokens (``console_auth_tokens``), kept hashed, as Nova's.

Revision ID: 009
Revises: 008
Create Date: 2026-12-02 06:55:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '009'
down_revision = '008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'console_auth_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=255), nullable=False),
        sa.Column('console_type', sa.String(length=255), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('port', sa.Integer(), nullable=False),
        sa.Column('internal_access_path', sa.String(length=255),
                  nullable=True),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('expires', sa.Integer(), nullable=False),
        sa.Column('used', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'))
    op.create_index(op.f('ix_console_auth_tokens_instance_uuid'),
                    'console_auth_tokens', ['instance_uuid'], unique=False)
    op.create_index(op.f('ix_console_auth_tokens_expires'),
                    'console_auth_tokens', ['expires'], unique=False)


def downgrade():
    op.drop_table('console_auth_tokens')
