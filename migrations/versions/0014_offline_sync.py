"""offline sync: households created on a device (household.client_uuid) and per-device tokens (api_token.kind)

Revision ID: 0014_offline_sync
Revises: 0011_official_list_indexes
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0014_offline_sync'
down_revision = '0011_official_list_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_uuid', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_household_client_uuid'), ['client_uuid'])
        batch_op.create_index('ix_household_updated_at', ['updated_at'])
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='api'))
        batch_op.create_check_constraint(batch_op.f('ck_api_token_kind_known'), "kind IN ('api', 'device')")
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_updated_at', ['updated_at'])


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_updated_at')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_api_token_kind_known'), type_='check')
        batch_op.drop_column('kind')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_updated_at')
        batch_op.drop_constraint(batch_op.f('uq_household_client_uuid'), type_='unique')
        batch_op.drop_column('client_uuid')
