"""Names with apostrophes and hyphens found and sorted as their letters: person.name_folded (the search
text, now with each punctuated word also joined: "H'Bia" -> "h bia hbia") and person.sort_key
(punctuation ignored: H'Bia sorts as HBia) worked out again for every person recorded; the folded
names of units too (every character that is not a letter or digit now separates words).

A data migration only: no column changes. Rows whose values are already right are not written.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kbang_desktop.core.text import fold, person_search_text, person_sort_text

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000


def upgrade() -> None:
    bind = op.get_bind()
    person = sa.table('person', sa.column('id', sa.String), sa.column('full_name', sa.String),
                      sa.column('name_folded', sa.String), sa.column('sort_key', sa.Text))
    update = person.update().where(person.c.id == sa.bindparam('_id')).values(
        name_folded=sa.bindparam('_folded'), sort_key=sa.bindparam('_key'))
    last = ""
    while True:  # by id in batches: memory stays flat on a hub of a million people
        rows = bind.execute(sa.select(person.c.id, person.c.full_name, person.c.name_folded, person.c.sort_key)
                            .where(person.c.id > last).order_by(person.c.id).limit(BATCH)).all()
        if not rows:
            break
        changed = []
        for row in rows:
            folded, key = person_search_text(row.full_name), person_sort_text(row.full_name)
            if (folded, key) != (row.name_folded, row.sort_key):
                changed.append({'_id': row.id, '_folded': folded, '_key': key})
        if changed:
            bind.execute(update, changed)  # the full-text index follows name_folded (its trigger)
        last = rows[-1].id
    unit = sa.table('admin_unit', sa.column('id', sa.String), sa.column('name', sa.String),
                    sa.column('name_folded', sa.String))
    changed = [{'_id': row.id, '_folded': fold(row.name)}
               for row in bind.execute(sa.select(unit.c.id, unit.c.name, unit.c.name_folded))
               if fold(row.name) != row.name_folded]
    if changed:
        bind.execute(unit.update().where(unit.c.id == sa.bindparam('_id')).values(name_folded=sa.bindparam('_folded')),
                     changed)


def downgrade() -> None:
    pass  # the earlier values are only a worse search text and order; nothing to undo in the schema
