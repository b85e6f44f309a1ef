"""Bulk loading (demo data, large imports): the same stamps and change log as single writes.

Rows go in with executemany through SQLAlchemy Core; every row still gets its
own rev and change-log entry, and the batch gets one audit event that says what
was loaded (an audit event per generated row would only bloat the log).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from kbang_desktop.storage.models import SYNCABLE, ChangeLog, derive
from kbang_desktop.storage.queries import spread_ranks
from kbang_desktop.storage.writes import AuditChain, Writer, save_clock, utcnow


class BulkLoader:
    """Inserts whole rows table by table inside the caller's transaction."""

    def __init__(self, session: Session, writer: Writer) -> None:
        self.session = session
        self.writer = writer
        self.counts: dict[str, int] = {}

    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        now, actor, clock = utcnow(), self.writer.actor, self.writer.clock
        office, site = self.writer.office_id, self.writer.site_id
        log = []
        for row in rows:
            rev = clock.now()
            row.update(rev=rev, prev_rev=None, deleted=False, created_at=now, created_by=actor, updated_at=now,
                       updated_by=actor)
            row.setdefault("owner_office_id", office)
            derive(table, row)
            log.append({"record_type": table, "record_id": row["id"], "rev": rev, "origin_site_id": site})
        self.session.execute(insert(SYNCABLE[table].__table__), list(rows))
        self.session.execute(insert(ChangeLog.__table__), log)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def set_column(self, table: str, column: str, values: Sequence[tuple[Any, str]]) -> None:
        """Fill one column of rows inserted by this loader in this transaction: [(value, id), ...].

        Only for rows made in the same transaction (no other site has seen them), so their rev and
        change-log entry stand; for example the head of a household whose members came after it.
        """
        if not values:
            return
        model = SYNCABLE[table].__table__
        self.session.execute(update(model).where(model.c.id == bindparam("_id")).values({column: bindparam("_v")}),
                             [{"_v": value, "_id": record_id} for value, record_id in values])

    def finish(self, action: str, details: dict[str, Any]) -> None:
        """One audit event for the whole load, and the clock saved."""
        chain = AuditChain(self.session)
        chain.append(self.writer, action, "bulk", "-", None, {"counts": self.counts, **details}, utcnow())
        chain.close()
        save_clock(self.session, self.writer)
        spread_ranks(self.session)  # a large load leaves people with no rank between their neighbours
