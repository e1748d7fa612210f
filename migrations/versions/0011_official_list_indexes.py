"""covering indexes for a report's official list: the register by village and ethnic group, and statuses by year

Revision ID: 0011_official_list_indexes
Revises: 0010_round_denominator
Create Date: 2026-12-02
"""
from alembic import op

revision = '0011_official_list_indexes'
down_revision = '0010_round_denominator'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_household_village_group', 'household', ['village_id', 'ethnic_group_code', 'id'])
    op.create_index('ix_household_status_covering', 'household_status', ['household_id', 'year', 'status'])


def downgrade() -> None:
    op.drop_index('ix_household_status_covering', table_name='household_status')
    op.drop_index('ix_household_village_group', table_name='household')
