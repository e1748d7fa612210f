"""per-village summaries of stored results and of the register, which the reports add up

Revision ID: 0017_village_summary
Revises: 0016_job_attempts
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_village_summary'
down_revision = '0016_job_attempts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'village_result_summary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_ruleset_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('ethnic_group_code', sa.String(length=30), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('outcome_bit', sa.Integer(), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.Column('met', sa.Integer(), nullable=False),
        sa.CheckConstraint('outcome_bit >= -1', name=op.f('ck_village_result_summary_outcome_bit_valid')),
        sa.CheckConstraint('population >= 0 AND met >= 0 AND population + met > 0',
                           name=op.f('ck_village_result_summary_counts_positive')),
        sa.CheckConstraint('outcome_bit >= 0 OR met = 0',
                           name=op.f('ck_village_result_summary_ruleset_row_has_no_met')),
        sa.ForeignKeyConstraint(['round_ruleset_id'], ['round_ruleset.id'], ondelete='CASCADE',
                                name=op.f('fk_village_result_summary_round_ruleset_id_round_ruleset')),
        sa.ForeignKeyConstraint(['village_id'], ['area.id'], ondelete='CASCADE',
                                name=op.f('fk_village_result_summary_village_id_area')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_village_result_summary')),
        sa.UniqueConstraint('round_ruleset_id', 'village_id', 'ethnic_group_code', 'state', 'outcome_bit',
                            name='uq_village_result_summary_key'),
    )
    op.create_table(
        'village_list_summary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('ethnic_group_code', sa.String(length=30), nullable=False),
        sa.Column('status_start', sa.String(length=20), nullable=False),
        sa.Column('status_end', sa.String(length=20), nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.CheckConstraint('households > 0', name=op.f('ck_village_list_summary_households_positive')),
        sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], ondelete='CASCADE',
                                name=op.f('fk_village_list_summary_round_id_survey_round')),
        sa.ForeignKeyConstraint(['village_id'], ['area.id'], ondelete='CASCADE',
                                name=op.f('fk_village_list_summary_village_id_area')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_village_list_summary')),
        sa.UniqueConstraint('round_id', 'village_id', 'ethnic_group_code', 'status_start', 'status_end',
                            name='uq_village_list_summary_key'),
    )
    # Existing data: the summaries are filled from the stored results and the register as they are now.
    from sqlalchemy.orm import Session

    from survey_app.reports.summary import rebuild_summary

    rebuild_summary(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table('village_list_summary')
    op.drop_table('village_result_summary')
