"""Sync bookkeeping: what each remote site acknowledged of ours, gaps and the sender's own newest rev.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('peer_site',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('office_id', sa.String(length=36), nullable=False),
    sa.Column('acked_seq', sa.Integer(), nullable=False),
    sa.Column('acked_at', sa.DateTime(), nullable=True),
    sa.Column('receipt_as_of', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_peer_site'))
    )
    with op.batch_alter_table('peer_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_site_office_id'), ['office_id'], unique=False)
    with op.batch_alter_table('site_receipt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('sender_max_rev', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('gap_from', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('gap_to', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('site_receipt', schema=None) as batch_op:
        batch_op.drop_column('gap_to')
        batch_op.drop_column('gap_from')
        batch_op.drop_column('sender_max_rev')
        batch_op.drop_column('office_id')
    with op.batch_alter_table('peer_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_site_office_id'))
    op.drop_table('peer_site')
