"""accounts: a session generation per account, API token expiry, login throttling per account and per address
(replacing the per-account failure counter and lock)

Revision ID: 0008_account_sessions
Revises: 0007_round_percent_rule
Create Date: 2026-12-02
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

revision = '0008_account_sessions'
down_revision = '0007_round_percent_rule'
branch_labels = None
depends_on = None

# Tokens issued before expiry existed get the default lifetime from the day of the upgrade.
EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_constraint(op.f('ck_user_account_failed_logins_non_negative'), type_='check')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    expires = datetime.now(timezone.utc) + timedelta(days=EXISTING_TOKEN_DAYS)
    op.execute(sa.text("UPDATE api_token SET expires_at = :expires").bindparams(
        sa.bindparam('expires', expires, type_=sa.DateTime(timezone=True))))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('failures >= 0', name=op.f('ck_login_throttle_failures_non_negative')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')),
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_check_constraint(op.f('ck_user_account_failed_logins_non_negative'), 'failed_logins >= 0')
        batch_op.drop_column('session_generation')
