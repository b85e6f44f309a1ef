"""What every write does, whoever makes it: sync stamps, change log, audit chain.

`Writer` travels in `session.info`. A `before_flush` hook stamps every new or
changed syncable record with a fresh hybrid-clock rev (keeping the rev it was
edited from), appends it to the change log, and appends a hash-chained audit
event with the values before and after. Services cannot forget any of it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from kbang_desktop.core import write_policy as P
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.hlc import HybridClock, author_site
from kbang_desktop.i18n import N_
from kbang_desktop.storage.models import DERIVED, AuditEvent, Base, ChangeLog, LocalState, Office, SyncMixin, User

GENESIS_HASH = "0" * 64
REDACTED = {("app_user", "password_hash")}
SYNC_COLUMNS = ("id", "owner_office_id", "rev", "prev_rev", "deleted", "created_at", "created_by",
                "updated_at", "updated_by")


def utcnow() -> datetime:
    """Now in UTC, naive, to the millisecond (what the database stores)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Writer:
    """Who writes, from which site, for which office, with which clock and why."""

    actor: str  # "user:<username>" or "os:<login>"
    site_id: str
    office_id: str
    clock: HybridClock
    action: str = "edit"
    sync_apply: bool = False  # set by sync import: keep incoming revs, log origin site
    notes: dict[str, Any] = field(default_factory=dict)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def row_state(obj: Base) -> dict[str, Any]:
    """Every column of a row as JSON-ready values (not the ones each site derives for itself)."""
    table = obj.__table__.name  # type: ignore[attr-defined]
    derived = DERIVED.get(table, {})
    state = {}
    for column in obj.__table__.columns:  # type: ignore[attr-defined]
        if (table, column.key) in REDACTED or column.key in derived:
            continue
        state[column.key] = jsonable(getattr(obj, column.key))
    return state


def _before_state(obj: Base) -> dict[str, Any]:
    insp = inspect(obj)
    state = row_state(obj)
    for attr in insp.mapper.column_attrs:
        history = insp.attrs[attr.key].history
        if history.has_changes() and history.deleted:
            state[attr.key] = jsonable(history.deleted[0])
    return state


def event_hash(prev_hash: str, seq: int, at: str, site_id: str, actor: str, action: str, record_type: str,
               record_id: str, before: str | None, after: str | None) -> str:
    payload = json.dumps([prev_hash, seq, at, site_id, actor, action, record_type, record_id, before, after],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _local(session: Session, key: str, lock: bool = False) -> LocalState | None:
    statement = select(LocalState).where(LocalState.key == key)
    if lock:
        statement = statement.with_for_update()
    with session.no_autoflush:
        return session.execute(statement).scalar_one_or_none()


def _set_local(session: Session, key: str, value: str) -> None:
    row = _local(session, key)
    if row is None:
        session.add(LocalState(key=key, value=value))
    else:
        row.value = value


class AuditChain:
    """Appends audit events to the hash chain within the current transaction."""

    def __init__(self, session: Session) -> None:
        head = _local(session, "audit_head", lock=True)
        if head:
            seq, digest = head.value.split(":", 1)
            self.seq, self.hash = int(seq), digest
        else:
            self.seq, self.hash = 0, GENESIS_HASH
        self.session = session

    def append(self, writer: Writer, action: str, record_type: str, record_id: str,
               before: dict | None, after: dict | None, at: datetime) -> None:
        self.seq += 1
        before_text = json.dumps(before, ensure_ascii=False, sort_keys=True) if before is not None else None
        after_text = json.dumps(after, ensure_ascii=False, sort_keys=True) if after is not None else None
        at_text = jsonable(at)
        digest = event_hash(self.hash, self.seq, at_text, writer.site_id, writer.actor, action, record_type,
                            record_id, before_text, after_text)
        self.session.add(AuditEvent(seq=self.seq, at=at, site_id=writer.site_id, actor=writer.actor, action=action,
                                    record_type=record_type, record_id=record_id, before=before_text,
                                    after=after_text, prev_hash=self.hash, hash=digest))
        self.hash = digest

    def close(self) -> None:
        _set_local(self.session, "audit_head", f"{self.seq}:{self.hash}")


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    writer: Writer | None = session.info.get("writer")
    touched = [o for o in list(session.new) + list(session.dirty) + list(session.deleted)
               if isinstance(o, SyncMixin | User)]
    if not touched:
        return
    if writer is None:
        raise KbangError(N_("Lỗi nội bộ: ghi dữ liệu mà không rõ người ghi."))
    now = utcnow()
    chain = AuditChain(session)
    for obj in touched:
        table = obj.__table__.name  # type: ignore[union-attr]
        if obj in session.deleted:
            if isinstance(obj, SyncMixin):
                raise KbangError(N_("Lỗi nội bộ: bản ghi đồng bộ không được xóa hẳn, chỉ đánh dấu đã xóa."))
            chain.append(writer, "delete", table, obj.id, row_state(obj), None, now)
            continue
        is_new = obj in session.new
        if not is_new and not session.is_modified(obj, include_collections=False):
            continue
        before = None if is_new else _before_state(obj)
        if isinstance(obj, SyncMixin):
            if is_new and not obj.id:
                obj.id = new_id()
            if not writer.sync_apply:
                if is_new:
                    obj.owner_office_id = obj.owner_office_id or writer.office_id
                    obj.created_at, obj.created_by = now, writer.actor
                    obj.prev_rev = None
                    obj.deleted = bool(obj.deleted)
                else:
                    obj.prev_rev = before["rev"] if before else None
                _check_policy(session, writer, table, row_state(obj), before)
                obj.rev = writer.clock.now()
                obj.updated_at, obj.updated_by = now, writer.actor
            else:
                writer.clock.observe(obj.rev)
            origin = author_site(obj.rev) if writer.sync_apply else writer.site_id
            session.add(ChangeLog(record_type=table, record_id=obj.id, rev=obj.rev, origin_site_id=origin))
        chain.append(writer, ("create" if is_new else "update") + ":" + writer.action, table, obj.id, before,
                     row_state(obj), now)
    chain.close()
    save_clock(session, writer)


def _office_kind(session: Session, writer: Writer) -> str:
    """This office's kind, as its own record says (the one being made, at set-up)."""
    kind = writer.notes.get("office_kind")
    if kind is None:
        pending = next((o for o in session.new if isinstance(o, Office) and o.id == writer.office_id), None)
        if pending is not None:
            kind = pending.kind
        else:
            with session.no_autoflush:
                kind = session.execute(select(Office.kind).where(Office.id == writer.office_id)).scalar()
        kind = kind or P.COMMUNE
        writer.notes["office_kind"] = kind
    return str(kind)


def local_refusal(session: Session, office_id: str, kind: str, table: str, values: dict[str, Any],
                  held: dict[str, Any] | None) -> tuple[str, dict[str, Any]] | None:
    """Why this office may not write this record here (core/write_policy.py), as a msgid and its values."""
    found = P.refusal(kind, table, office_id, values, held, local=True)
    if found is None:
        return None
    with session.no_autoflush:
        names = dict(session.execute(select(Office.id, Office.name).where(Office.id == found.owner)).all()) \
            if found.owner else {}
    return P.sentence(found, names)


def change_refusal(session: Session, office_id: str, table: str, values: dict[str, Any]) -> tuple[str, dict] | None:
    """Why this office may not change the record `values` (every field, as held) at all; None if it may."""
    kind = session.execute(select(Office.kind).where(Office.id == office_id)).scalar() or P.COMMUNE
    return local_refusal(session, office_id, kind, table, values, values)


def _check_policy(session: Session, writer: Writer, table: str, after: dict[str, Any],
                  before: dict[str, Any] | None) -> None:
    refused = local_refusal(session, writer.office_id, _office_kind(session, writer), table, after, before)
    if refused is not None:
        message, params = refused
        raise KbangError(message, **params)


def save_clock(session: Session, writer: Writer) -> None:
    """Persist the clock with the writes that used it, so later revs sort after them."""
    _set_local(session, "hlc_last", writer.clock.last)


def install(session_class: type[Session] | Any) -> None:
    """Attach the write hook to a sessionmaker or Session class."""
    event.listen(session_class, "before_flush", _before_flush)


def verify_chain(session: Session) -> tuple[int, int | None, str]:
    """(events, first bad seq or None, problem: "gap" | "link" | "hash" | "head")."""
    previous, expected_seq, count = GENESIS_HASH, 1, 0
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().yield_per(5000):
        count += 1
        if ev.seq != expected_seq:
            return count, expected_seq, "gap"
        if ev.prev_hash != previous:
            return count, ev.seq, "link"
        digest = event_hash(ev.prev_hash, ev.seq, jsonable(ev.at), ev.site_id, ev.actor,
                            ev.action, ev.record_type, ev.record_id, ev.before, ev.after)
        if digest != ev.hash:
            return count, ev.seq, "hash"
        previous, expected_seq = ev.hash, expected_seq + 1
    head = _local(session, "audit_head")
    if (head.value if head else None) != (f"{count}:{previous}" if count else None):
        return count, count + 1, "head"
    return count, None, ""


def recent_events(session: Session, limit: int, record_id: str | None = None, actor: str | None = None,
                  action: str | None = None, since: datetime | None = None) -> list:
    """The newest audit events as entities, optionally for one record, one actor, one action, from a time."""
    from kbang_desktop.storage.repo import to_entity

    statement = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if record_id:
        statement = statement.where(AuditEvent.record_id == record_id)
    if actor:
        statement = statement.where(AuditEvent.actor == actor)
    if action:  # actions read "create:add_person", "update:issue_decision": any part matches
        statement = statement.where(AuditEvent.action.contains(action, autoescape=True))
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    return [to_entity(e) for e in session.execute(statement).scalars()]
