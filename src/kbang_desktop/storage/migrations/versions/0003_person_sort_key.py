"""People in Vietnamese order from an index: person.sort_key, worked out from each full name.

Derived (core.text.person_sort_text), never sent in bundles: every site fills it itself, so a
bundle of schema 0002 and one of 0003 carry the same record states.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kbang_desktop.core.text import person_sort_text

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000


def upgrade() -> None:
    bind = op.get_bind()
    kind = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', kind, server_default='', nullable=False))
    person = sa.table('person', sa.column('id', sa.String), sa.column('full_name', sa.String),
                      sa.column('sort_key', sa.Text))
    last = ""
    while True:  # by id in batches: memory stays flat on a hub of a million people
        rows = bind.execute(sa.select(person.c.id, person.c.full_name).where(person.c.id > last)
                            .order_by(person.c.id).limit(BATCH)).all()
        if not rows:
            break
        bind.execute(person.update().where(person.c.id == sa.bindparam('_id')).values(sort_key=sa.bindparam('_key')),
                     [{'_id': row.id, '_key': person_sort_text(row.full_name)} for row in rows])
        last = rows[-1].id
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_sort', ['sort_key', 'id'], unique=False)
        batch_op.create_index('ix_person_commune_sort', ['commune_id', 'sort_key', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_commune_sort')
        batch_op.drop_index('ix_person_sort')
        batch_op.drop_column('sort_key')
