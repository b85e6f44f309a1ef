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


def latest_summary(session: Session, start: int, seq_to: int, cuts: list[int], known_owner: dict[str, str]
                   ) -> list[tuple[str, str, str | None, int, int]]:
    """One pass over the change log after `start` (up to `seq_to`): the latest change of every record, summed up.

    For the sync status of many peers at once (one scan instead of one per peer and record type).
    Returns rows (record type, the site the latest change came from, the record's owner, bucket, how
    many), where bucket is how many of `cuts` (ascending) lie below the latest change's number: a
    peer that acknowledged up to cut j counts the rows of bucket > j.

    `known_owner` (site -> office): sites whose changes are known to be their own office's records;
    for them the owner is not looked up (None in the row; the caller maps the site). The write
    policy guarantees it for another commune's PC: the plan stores from a commune only records that
    commune owns, authored by its own PCs. Every other change has its owner read from its record.
    Reads only.
    """
    params: dict[str, Any] = {"start": start, "seq_to": seq_to}
    types = [name for name in SYNCABLE if name.isidentifier()]
    lookup = " ".join(f"WHEN '{name}' THEN (SELECT owner_office_id FROM {name} WHERE id = latest.record_id)"
                      for name in types)
    sites = list(known_owner) or ["-"]
    params.update({f"site{i}": site for i, site in enumerate(sites)})
    site_list = ", ".join(f":site{i}" for i in range(len(sites)))
    params.update({f"cut{i}": int(cut) for i, cut in enumerate(cuts)})

    def bucket(low: int, high: int) -> str:  # how many cuts lie below seq, by halving: log2(len(cuts)) tests a row
        if low >= high:
            return str(low)
        middle = (low + high) // 2
        return f"(CASE WHEN latest.seq > :cut{middle} THEN {bucket(middle + 1, high)} ELSE {bucket(low, middle)} END)"

    sql = f"""
        WITH repeated AS MATERIALIZED (
            SELECT record_id FROM change_log WHERE seq > :start AND seq <= :seq_to
            GROUP BY record_id HAVING COUNT(*) > 1),
        latest AS (
            SELECT c.record_type, c.record_id, c.seq, c.origin_site_id FROM change_log c
            WHERE c.seq > :start AND c.seq <= :seq_to
              AND (c.record_id NOT IN (SELECT record_id FROM repeated)
                   OR NOT EXISTS (SELECT 1 FROM change_log later WHERE later.record_id = c.record_id
                                  AND later.record_type = c.record_type AND later.seq > c.seq
                                  AND later.seq <= :seq_to)))
        SELECT latest.record_type, latest.origin_site_id,
               CASE WHEN latest.origin_site_id IN ({site_list}) THEN NULL
                    ELSE CASE latest.record_type {lookup} END END AS owner,
               {bucket(0, len(cuts))} AS bucket, COUNT(*) AS n
        FROM latest GROUP BY 1, 2, 3, 4"""
    return [(row[0], row[1], row[2], int(row[3]), int(row[4])) for row in session.execute(text(sql), params)]
