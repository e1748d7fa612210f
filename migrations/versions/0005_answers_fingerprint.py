"""answers fingerprint on submissions, for the identical-answers flag

Revision ID: 0005_answers_fingerprint
Revises: 0004_jobs
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_answers_fingerprint'
down_revision = '0004_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers_fingerprint', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_submission_fingerprint', ['round_id', 'enumerator_id', 'answers_fingerprint'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_fingerprint')
        batch_op.drop_column('answers_fingerprint')
