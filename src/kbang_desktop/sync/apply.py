"""Import, step 3 (DESIGN §5): the plan's decisions written in one transaction, then the ledger and receipts.

Records arrive whole and are written with their own revs (`RowWriter`, executemany); each
gets its change-log entry under the site that made it and an audit event; the losing
version of a concurrent edit is kept whole in a Conflict.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kbang_desktop.core.hlc import author_site
from kbang_desktop.services.registry import Services
from kbang_desktop.storage.fastwrite import RowWriter
from kbang_desktop.storage.models import SYNCABLE, BundleLedger, ChangeLog, Conflict
from kbang_desktop.storage.queries import spread_ranks
from kbang_desktop.storage.states import TYPE_KEY
from kbang_desktop.storage.writes import AuditChain, jsonable, new_id, save_clock, utcnow
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync.plan import Decision, ImportResult, Planner, count
from kbang_desktop.sync.receipts import record_receipts
from kbang_desktop.sync.verify import Verified


def apply(services: Services, verified: Verified, result: ImportResult) -> None:
    """Plan and write the whole bundle in one transaction (IntegrityError/DataError if it does not fit here)."""
    manifest = verified.opened.manifest
    with services.ctx.write("sync_import", minimum_role="officer", sync_apply=True) as repo:
        session = repo.session
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("PRAGMA defer_foreign_keys=ON"))  # parents and children arrive in one transaction
        if session.get(BundleLedger, result.bundle_id) is not None:  # imported meanwhile by another window
            result.status = "already-imported"
            return
        writer = session.info["writer"]
        chain = AuditChain(session)
        now = utcnow()
        planner = Planner(session, verified)
        writers = {"change_log": RowWriter(session, ChangeLog.__table__, generated=("seq",))}
        for decisions in planner.batches(B.iter_lines(verified.opened, verified.key)):
            _apply_batch(session, decisions, writer, chain, now, result, writers)
            _close_owner_resolved(session, planner, decisions, now)
        chain.append(writer, "sync_import", "bundle", result.bundle_id, None,
                     {"from_office": result.from_office, "sender_site": manifest["sender_site_id"],
                      "seq_from": manifest["seq_from"], "seq_to": manifest["seq_to"], "counts": result.counts,
                      "file": verified.opened.path.name}, now)
        chain.close()
        save_clock(session, writer)
        record_receipts(session, verified, planner.new_max_rev, now)
        spread_ranks(session)  # many new people with no rank left between their neighbours: spread them again
        session.add(BundleLedger(bundle_id=result.bundle_id, direction="in", peer_office_id=result.from_office,
                                 sender_site_id=manifest["sender_site_id"], seq_from=manifest["seq_from"],
                                 seq_to=manifest["seq_to"], sha256=manifest["payload"]["sha256"],
                                 counts=json.dumps({"counts": result.counts}), at=now,
                                 file_name=verified.opened.path.name))


def _apply_batch(session: Session, decisions: list[Decision], writer: Any, chain: AuditChain, now: datetime,
                 result: ImportResult, writers: dict[str, RowWriter]) -> None:
    if not decisions:
        return
    table = decisions[0].table
    if table not in writers:
        writers[table] = RowWriter(session, SYNCABLE[table].__table__)  # type: ignore[attr-defined]
    rows = writers[table]
    inserts, updates, log = [], [], []
    for decision in decisions:
        count(result, decision)
        values = decision.values
        if decision.kind == "conflict" and not decision.known_conflict:
            _conflict(session, decision, now)
        if decision.kind == "new":
            inserts.append(values)
        elif decision.kind == "updated" or (decision.kind == "conflict" and decision.incoming_wins):
            updates.append(values)
        else:
            continue
        log.append({"record_type": table, "record_id": values["id"], "rev": values["rev"],
                    "origin_site_id": author_site(values["rev"])})
        if decision.local is not None:
            chain.append(writer, "update:sync_import", table, values["id"],
                         {k: jsonable(v) for k, v in decision.local.items()}, {k: jsonable(v) for k, v in values.items()},
                         now)
    rows.insert(inserts)
    rows.update(updates)
    writers["change_log"].insert(log)
    if log:
        writer.clock.observe(max(entry["rev"] for entry in log))  # later local edits sort after these


def _close_owner_resolved(session: Session, planner: Planner, decisions: list[Decision], now: datetime) -> None:
    """Conflicts here about another office's record close when that office's next edit of it arrives.

    Only the owner resolves a conflict (DESIGN §5); its resolution is an edit made on the winning
    version, so an edit by the owner whose history holds the winner settles what this office
    could only keep open. Both versions stay in the Conflict row.
    """
    me = planner.offices.me
    owned = {d.values["id"]: d for d in decisions if d.kind == "updated" and d.values["owner_office_id"] != me
             and planner.offices.site_office.get(author_site(d.values["rev"])) == d.values["owner_office_id"]}
    if not owned:
        return
    table = decisions[0].table
    rows = session.execute(select(Conflict).where(Conflict.status == "open", Conflict.record_type == table,
                                                  Conflict.record_id.in_(list(owned)))).scalars()
    for row in rows:
        decision = owned[row.record_id]
        if row.winner_rev in decision.line["history"]:
            owner = decision.values["owner_office_id"]
            row.status, row.resolved_at = "resolved", now
            row.resolved_by = f"office:{owner}"
            row.resolution = json.dumps({"by_owner": owner, "rev": decision.values["rev"]}, ensure_ascii=False)


def _state_json(table: str, values: dict[str, Any]) -> str:
    return json.dumps({TYPE_KEY: table, **{k: jsonable(v) for k, v in values.items()}}, ensure_ascii=False,
                      sort_keys=True)


def _conflict(session: Session, decision: Decision, now: datetime) -> None:
    table, incoming, local = decision.table, decision.values, decision.local or {}
    winner, loser = (incoming, local) if decision.incoming_wins else (local, incoming)
    session.add(Conflict(id=new_id(), record_type=table, record_id=incoming["id"], winner_rev=winner["rev"],
                         loser_rev=loser["rev"], winner_state=_state_json(table, winner),
                         loser_state=_state_json(table, loser), loser_was_local=decision.incoming_wins,
                         detected_at=now, status="open"))
