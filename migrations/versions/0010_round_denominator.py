"""a round's denominator rule: the official list at the start of the period, or the counted households only

Revision ID: 0010_round_denominator
Revises: 0009_draft_position
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_round_denominator'
down_revision = '0009_draft_position'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('denominator', sa.String(length=10), nullable=False,
                                      server_default='official'))
        batch_op.create_check_constraint(op.f('ck_survey_round_denominator_known'),
                                         "denominator IN ('official', 'surveyed')")


def downgrade() -> None:
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_round_denominator_known'), type_='check')
        batch_op.drop_column('denominator')
