"""submission lifecycle: the supervisor's choice of the counted submission, per-commune income summaries

Revision ID: 0006_submission_lifecycle
Revises: 0005_answers_fingerprint
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0006_submission_lifecycle'
down_revision = '0005_answers_fingerprint'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_income', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('chosen_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_submission_chosen_by_id_user_account', 'user_account', ['chosen_by_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index('uq_submission_chosen_per_round', ['round_id', 'household_id'], unique=True,
                              sqlite_where=sa.text('chosen_at IS NOT NULL'),
                              postgresql_where=sa.text('chosen_at IS NOT NULL'))
    op.create_table(
        'income_summary',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('histogram', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.CheckConstraint('count >= 0', name=op.f('ck_income_summary_count_not_negative')),
        sa.ForeignKeyConstraint(['commune_id'], ['area.id'], name=op.f('fk_income_summary_commune_id_area'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'],
                                name=op.f('fk_income_summary_round_id_survey_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', 'commune_id', name=op.f('pk_income_summary')),
    )
    # Submissions already stored contribute nothing until their next change; `flask submissions refresh-stats`
    # (survey_app/submissions/cli.py) rebuilds the summaries from the stored answers.


def downgrade() -> None:
    op.drop_table('income_summary')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('uq_submission_chosen_per_round')
        batch_op.drop_constraint('fk_submission_chosen_by_id_user_account', type_='foreignkey')
        batch_op.drop_column('chosen_by_id')
        batch_op.drop_column('chosen_at')
        batch_op.drop_column('counted_income')
