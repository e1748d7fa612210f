"""questionnaires, rounds, submissions

Revision ID: 0002_surveys
Revises: 0001_foundation
Create Date: 2026-11-22 17:56:01.902713
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002_surveys'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('questionnaire_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('compiled', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_version')),
    sa.UniqueConstraint('form_id', 'version', name='uq_questionnaire_version_form_version')
    )
    op.create_table('survey_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('series', sa.String(length=40), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('count_only_approved', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_survey_round_period_ordered')),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_survey_round_questionnaire_version_id_questionnaire_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_round')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_round_code'))
    )
    op.create_table('round_area',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_round_area_area_id_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_round_area_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'area_id', name=op.f('pk_round_area'))
    )
    with op.batch_alter_table('round_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_area_area_id'), ['area_id'], unique=False)

    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('enumerator_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('answers_hash', sa.String(length=64), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'edited', 'has_issues', 'approved', 'rejected')", name=op.f('ck_submission_state_known')),
    sa.CheckConstraint('version_number >= 1', name=op.f('ck_submission_version_positive')),
    sa.ForeignKeyConstraint(['enumerator_id'], ['user_account.id'], name=op.f('fk_submission_enumerator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_submission_household_id_household'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_submission_questionnaire_version_id_questionnaire_version'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_submission_round_id_survey_round'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['village_id'], ['area.id'], name=op.f('fk_submission_village_id_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('uuid', name=op.f('uq_submission_uuid'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_enumerator_id'), ['enumerator_id'], unique=False)
        batch_op.create_index('ix_submission_household', ['household_id', 'round_id'], unique=False)
        batch_op.create_index('ix_submission_round_state', ['round_id', 'state', 'submitted_at'], unique=False)
        batch_op.create_index('ix_submission_village', ['village_id', 'round_id'], unique=False)
        batch_op.create_index('uq_submission_current_per_round', ['round_id', 'household_id'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))

    op.create_table('submission_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("body <> ''", name=op.f('ck_submission_comment_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_submission_comment_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_comment_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_comment'))
    )
    with op.batch_alter_table('submission_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_comment_submission_id'), ['submission_id'], unique=False)

    op.create_table('submission_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('answers_hash', sa.String(length=64), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_submission_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_submission_version_questionnaire_version_id_questionnaire_version'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_version_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_version')),
    sa.UniqueConstraint('submission_id', 'number', name='uq_submission_version_number')
    )


def downgrade() -> None:
    op.drop_table('submission_version')
    with op.batch_alter_table('submission_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_comment_submission_id'))

    op.drop_table('submission_comment')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('uq_submission_current_per_round', sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))
        batch_op.drop_index('ix_submission_village')
        batch_op.drop_index('ix_submission_round_state')
        batch_op.drop_index('ix_submission_household')
        batch_op.drop_index(batch_op.f('ix_submission_enumerator_id'))

    op.drop_table('submission')
    with op.batch_alter_table('round_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_area_area_id'))

    op.drop_table('round_area')
    op.drop_table('survey_round')
    op.drop_table('questionnaire_version')
