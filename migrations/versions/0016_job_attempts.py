"""a job's attempts: runs after its worker crashed, bounded by jobs/service.MAX_ATTEMPTS

Revision ID: 0016_job_attempts
Revises: 0014_offline_sync
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_job_attempts'
down_revision = '0014_offline_sync'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('job') as batch:
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.create_check_constraint(op.f('ck_job_attempts_non_negative'), 'attempts >= 0')


def downgrade() -> None:
    with op.batch_alter_table('job') as batch:
        batch.drop_constraint(op.f('ck_job_attempts_non_negative'), type_='check')
        batch.drop_column('attempts')
