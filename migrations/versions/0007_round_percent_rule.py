"""a round's percent rule: how its reports print percentages (decimals; rounded or truncated)

Revision ID: 0007_round_percent_rule
Revises: 0006_submission_lifecycle
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_round_percent_rule'
down_revision = '0006_submission_lifecycle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('percent_digits', sa.SmallInteger(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('percent_method', sa.String(length=10), nullable=False,
                                      server_default='round'))
        batch_op.create_check_constraint(op.f('ck_survey_round_percent_digits_range'),
                                         'percent_digits BETWEEN 0 AND 3')
        batch_op.create_check_constraint(op.f('ck_survey_round_percent_method_known'),
                                         "percent_method IN ('round', 'truncate')")


def downgrade() -> None:
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_round_percent_method_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_survey_round_percent_digits_range'), type_='check')
        batch_op.drop_column('percent_method')
        batch_op.drop_column('percent_digits')
