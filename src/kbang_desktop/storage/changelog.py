"""The SQL of the change log (DESIGN §5): what changed since a sequence number, and each record's history.

Every change this site makes or applies gets the next number in its change log
(`ChangeLog.seq`). Sync asks these questions of it; the answers are plain rows and
ids, and which records a peer may see is the caller's business (`owners`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, aliased

from kbang_desktop.storage.models import SYNCABLE, ChangeLog, Conflict


def last_seq(session: Session) -> int:
    """The highest number in this site's change log (0 when empty)."""
    return session.execute(select(func.coalesce(func.max(ChangeLog.seq), 0))).scalar_one()


def changed_types(session: Session, start: int, seq_to: int) -> set[str]:
    """The record types with a change numbered after `start`, up to `seq_to`."""
    return set(session.execute(select(ChangeLog.record_type).distinct()
                               .where(ChangeLog.seq > start, ChangeLog.seq <= seq_to)).scalars())


def changed(table: str, start: int, seq_to: int, owners: tuple[str, ...] | None, echo_site: str | None,
            count_only: bool = False) -> Any:
    """The latest state of every record of `table` changed after `start` (with its `_seq`), oldest change first.

    `owners`: only records these offices own (None: every record). `echo_site`: leave out records
    whose latest change came from that site. `count_only`: how many, instead of the rows.
    """
    model = SYNCABLE[table].__table__  # type: ignore[attr-defined]
    latest = (select(ChangeLog.record_id, func.max(ChangeLog.seq).label("seq"))
              .where(ChangeLog.record_type == table, ChangeLog.seq > start, ChangeLog.seq <= seq_to)
              .group_by(ChangeLog.record_id).subquery())
    origin = aliased(ChangeLog)
    columns = [func.count()] if count_only else [model, latest.c.seq.label("_seq")]
    query = (select(*columns).select_from(model)
             .join(latest, model.c.id == latest.c.record_id).join(origin, origin.seq == latest.c.seq))
    if owners is not None:
        query = query.where(model.c.owner_office_id.in_(owners))
    if echo_site:
        query = query.where(origin.origin_site_id != echo_site)
    return query if count_only else query.order_by(latest.c.seq)


def histories(session: Session, table: str, ids: list[str], ancestry: bool = False) -> dict[str, list[str]]:
    """Every rev each record has held here, oldest first.

    With `ancestry`, versions that lost a conflict here are left out: what remains is what the
    current version descends from, so a site still holding a losing version sees the conflict too.
    """
    found: dict[str, list[str]] = {}
    rows = session.execute(select(ChangeLog.record_id, ChangeLog.rev)
                           .where(ChangeLog.record_type == table, ChangeLog.record_id.in_(ids))
                           .order_by(ChangeLog.seq))
    for record_id, rev in rows:
        history = found.setdefault(record_id, [])
        if rev not in history:
            history.append(rev)
    if ancestry:
        losers = session.execute(select(Conflict.record_id, Conflict.loser_rev).where(Conflict.record_id.in_(ids)))
        for record_id, rev in losers:
            if rev in found.get(record_id, ()):
                found[record_id].remove(rev)
    return found


def leap_past(session: Session, acknowledged: int) -> None:
    """Never reuse a sequence number a peer has acknowledged.

    When a peer acknowledges more of our change log than we hold, our numbers went back (a
    restore that `kbang restore` did not make, which moves the numbering on by itself): later
    changes take numbers above what the peer holds, or it would take them for ones it has.
    Called wherever a receipt is recorded, so no acknowledgement ever exceeds the log afterwards.
    """
    if acknowledged <= last_seq(session):
        return
    session.execute(ChangeLog.__table__.insert(), [{"seq": acknowledged, "record_type": "-", "record_id": "-",
                                                    "rev": "-", "origin_site_id": "-"}])
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('change_log', 'seq'), :n)"), {"n": acknowledged})
