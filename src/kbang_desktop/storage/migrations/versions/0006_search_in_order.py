"""Search that gives the first rows in Vietnamese order at the speed of the full-text index itself (issue 14).

A second full-text index of the folded names, `person_fts_ranked`, whose rowid is each person's place in
Vietnamese order (`person_fts_order.rank`: integers that follow (sort_key, id), with gaps). The index
hands its matches in rowid order, so the first 100 matches are the first 100 people in order: no
sorting of every match. A new or renamed person takes the middle of the gap between its neighbours
(triggers on person); when no gap is left, the person waits in `person_fts_unranked` (searched
directly, still in order) until the ranks are spread again (`storage.queries.spread_ranks`).

SQLite only, local to each PC (no table travels, no model); the tables begin with "person_fts" so
that schema comparisons leave them out, as the first full-text index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOP = 9223372036854775807  # the largest rowid


def _rank_new() -> str:
    """Statements that rank `new` (a person just inserted or renamed) between its ranked neighbours."""
    neighbour = ("SELECT o.rank FROM person p CROSS JOIN person_fts_order o ON o.person_rowid = p.rowid "
                 "WHERE (p.sort_key, p.id) {op} (new.sort_key, new.id) ORDER BY p.sort_key {dir}, p.id {dir} LIMIT 1")
    return (
        "INSERT INTO person_fts_order(rank, person_rowid) SELECT lo + (hi - lo) / 2, new.rowid FROM "
        f"(SELECT coalesce(({neighbour.format(op='<', dir='DESC')}), 0) AS lo, "
        f"coalesce(({neighbour.format(op='>', dir='ASC')}), {TOP}) AS hi) WHERE hi - lo >= 2; "
        "INSERT INTO person_fts_unranked(person_rowid) SELECT new.rowid "
        "WHERE NOT EXISTS (SELECT 1 FROM person_fts_order WHERE person_rowid = new.rowid); "
        "INSERT INTO person_fts_ranked(rowid, name_folded) "
        "SELECT rank, new.name_folded FROM person_fts_order WHERE person_rowid = new.rowid; ")


_UNRANK_OLD = (
    "INSERT INTO person_fts_ranked(person_fts_ranked, rowid, name_folded) "
    "SELECT 'delete', rank, old.name_folded FROM person_fts_order WHERE person_rowid = old.rowid; "
    "DELETE FROM person_fts_order WHERE person_rowid = old.rowid; "
    "DELETE FROM person_fts_unranked WHERE person_rowid = old.rowid; ")

SQL = [
    "CREATE TABLE IF NOT EXISTS person_fts_order (rank INTEGER PRIMARY KEY, person_rowid INTEGER NOT NULL UNIQUE)",
    "CREATE TABLE IF NOT EXISTS person_fts_unranked (person_rowid INTEGER PRIMARY KEY)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS person_fts_ranked USING fts5(name_folded, content='', tokenize='unicode61', prefix='2 3')",
    f"CREATE TRIGGER IF NOT EXISTS person_fts_rank_ai AFTER INSERT ON person BEGIN {_rank_new()}END",
    f"CREATE TRIGGER IF NOT EXISTS person_fts_rank_ad AFTER DELETE ON person BEGIN {_UNRANK_OLD}END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_rank_au AFTER UPDATE OF sort_key, name_folded ON person "
    "WHEN old.sort_key IS NOT new.sort_key OR old.name_folded IS NOT new.name_folded "
    f"BEGIN {_UNRANK_OLD}{_rank_new()}END",
]

# every person ranked afresh, evenly spread (also storage.queries.spread_ranks, after large loads)
SPREAD = [
    "DELETE FROM person_fts_order",
    "DELETE FROM person_fts_unranked",
    "INSERT INTO person_fts_ranked(person_fts_ranked) VALUES ('delete-all')",
    "INSERT INTO person_fts_order(rank, person_rowid) SELECT row_number() OVER (ORDER BY sort_key, id) * "
    "(4611686018427387904 / ((SELECT count(*) FROM person) + 1)), rowid FROM person",
    "INSERT INTO person_fts_ranked(rowid, name_folded) SELECT o.rank, p.name_folded FROM person_fts_order o "
    "JOIN person p ON p.rowid = o.person_rowid ORDER BY o.rank",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL searches name_folded with LIKE (storage.queries)
    for statement in SQL + SPREAD:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("person_fts_rank_ai", "person_fts_rank_ad", "person_fts_rank_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in ("person_fts_ranked", "person_fts_unranked", "person_fts_order"):
        op.execute(f"DROP TABLE IF EXISTS {name}")
