"""Two records of one person made one: person_merge (who was kept, who was merged into them, when, by
whom, and the exact list of references the merge moved, so that an unmerge sets them back); and an
index on person (commune, folded name, birth year) for the likely duplicates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('person_merge',
    sa.Column('kept_id', sa.String(length=36), nullable=False),
    sa.Column('other_id', sa.String(length=36), nullable=False),
    sa.Column('commune_id', sa.String(length=36), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.Column('merged_by', sa.String(length=100), nullable=False),
    sa.Column('moves', sa.Text(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.String(length=64), nullable=False),
    sa.Column('prev_rev', sa.String(length=64), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_unit.id'], name=op.f('fk_person_merge_commune_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merge'))
    )
    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merge_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_other_id'), ['other_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_owner_office_id'), ['owner_office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_rev'), ['rev'], unique=False)
    # namesakes of a commune born within a year (a plain CREATE INDEX: the person table and its triggers stay)
    op.create_index('ix_person_commune_name_birth', 'person', ['commune_id', 'name_folded', 'birth_year'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_person_commune_name_birth', table_name='person')
    op.drop_table('person_merge')
