"""a draft's position: the section of the questionnaire the enumerator was on when the draft was saved

Revision ID: 0009_draft_position
Revises: 0008_account_sessions
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0009_draft_position'
down_revision = '0008_account_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_section', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('draft_section')
