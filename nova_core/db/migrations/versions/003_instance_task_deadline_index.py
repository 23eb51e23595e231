"""An index for the conductor's task deadline check: instances by
task_state and the time of their last change.

Revision ID: 003
Revises: 002
Create Date: 2026-12-01 11:30:00.000000
"""
from alembic import op

revision = '003'
down_revision = '002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.create_index('instances_task_state_updated_at_idx',
                              ['task_state', 'updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_index('instances_task_state_updated_at_idx')
