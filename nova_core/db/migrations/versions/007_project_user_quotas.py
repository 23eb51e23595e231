"""Per-user quotas: a user's own limits within a project
(``os-quota-sets/{project_id}?user_id=``), as Nova's
``project_user_quotas``.

Revision ID: 007
Revises: 006
Create Date: 2026-12-02 06:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '007'
down_revision = '006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'project_user_quotas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.String(length=255), nullable=False),
        sa.Column('resource', sa.String(length=255), nullable=False),
        sa.Column('hard_limit', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'user_id', 'project_id', 'resource',
            name='uniq_project_user_quotas0user_id0project_id0resource'))
    op.create_index('project_user_quotas_user_id_idx',
                    'project_user_quotas', ['user_id'], unique=False)
    op.create_index('project_user_quotas_project_id_idx',
                    'project_user_quotas', ['project_id'], unique=False)


def downgrade():
    op.drop_table('project_user_quotas')
