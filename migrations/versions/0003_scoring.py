"""scoring: ruleset versions, round rulesets, household results, outcome targets

Revision ID: 0003_scoring
Revises: 0002_surveys
Create Date: 2026-11-22 18:00:46.063623
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003_scoring'
down_revision = '0002_surveys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ruleset_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ruleset_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('questionnaire', sa.String(length=80), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ruleset_version')),
    sa.UniqueConstraint('ruleset_id', 'version', name='uq_ruleset_version_ruleset_version')
    )
    op.create_table('outcome_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.String(length=80), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('operator', sa.String(length=2), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("operator IN ('>=', '>', '<=', '<')", name=op.f('ck_outcome_target_operator_known')),
    sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_outcome_target_percent_range')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_outcome_target_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_outcome_target_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_target'))
    )
    with op.batch_alter_table('outcome_target', schema=None) as batch_op:
        batch_op.create_index('uq_outcome_target_area', ['round_id', 'outcome_id', 'area_id'], unique=True, sqlite_where=sa.text('area_id IS NOT NULL'), postgresql_where=sa.text('area_id IS NOT NULL'))
        batch_op.create_index('uq_outcome_target_default', ['round_id', 'outcome_id'], unique=True, sqlite_where=sa.text('area_id IS NULL'), postgresql_where=sa.text('area_id IS NULL'))

    op.create_table('round_ruleset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ruleset_id', sa.String(length=80), nullable=False),
    sa.Column('ruleset_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_round_ruleset_round_id_survey_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ruleset_version_id'], ['ruleset_version.id'], name=op.f('fk_round_ruleset_ruleset_version_id_ruleset_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_ruleset')),
    sa.UniqueConstraint('round_id', 'ruleset_id', name='uq_round_ruleset_round_ruleset')
    )
    op.create_table('household_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_ruleset_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('ethnic_group_code', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('in_population', sa.Boolean(), nullable=True),
    sa.Column('population_mask', sa.BigInteger(), nullable=False),
    sa.Column('met_mask', sa.BigInteger(), nullable=False),
    sa.Column('ruleset_version_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_result_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_household_result_round_id_survey_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_ruleset_id'], ['round_ruleset.id'], name=op.f('fk_household_result_round_ruleset_id_round_ruleset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ruleset_version_id'], ['ruleset_version.id'], name=op.f('fk_household_result_ruleset_version_id_ruleset_version'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_household_result_submission_id_submission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['area.id'], name=op.f('fk_household_result_village_id_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_result')),
    sa.UniqueConstraint('submission_id', 'round_ruleset_id', name='uq_household_result_submission_ruleset')
    )
    with op.batch_alter_table('household_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_result_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_household_result_rollup', ['round_ruleset_id', 'village_id', 'state', 'is_current', 'in_population', 'population_mask', 'met_mask', 'ethnic_group_code'], unique=False)
        batch_op.create_index('ix_household_result_round', ['round_id', 'household_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('household_result', schema=None) as batch_op:
        batch_op.drop_index('ix_household_result_round')
        batch_op.drop_index('ix_household_result_rollup')
        batch_op.drop_index(batch_op.f('ix_household_result_household_id'))

    op.drop_table('household_result')
    op.drop_table('round_ruleset')
    with op.batch_alter_table('outcome_target', schema=None) as batch_op:
        batch_op.drop_index('uq_outcome_target_default', sqlite_where=sa.text('area_id IS NULL'), postgresql_where=sa.text('area_id IS NULL'))
        batch_op.drop_index('uq_outcome_target_area', sqlite_where=sa.text('area_id IS NOT NULL'), postgresql_where=sa.text('area_id IS NOT NULL'))

    op.drop_table('outcome_target')
    op.drop_table('ruleset_version')
