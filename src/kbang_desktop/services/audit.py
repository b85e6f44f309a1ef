"""The audit log and its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kbang_desktop.core import entities as E
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.storage.writes import recent_events, verify_chain


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    ok: bool
    first_bad_seq: int | None
    problem: str  # msgid-free technical words: "hash", "link", "gap", "head"


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def verify(self) -> ChainReport:
        """Walk the whole chain: any edited, inserted or removed event breaks it. Reads only."""
        with self.ctx.read() as repo:
            count, bad_seq, problem = verify_chain(repo.session)
        return ChainReport(count, bad_seq is None, bad_seq, problem)

    def events(self, limit: int = 200, record_id: str | None = None, actor: str | None = None,
               action: str | None = None, since: datetime | None = None) -> list[E.AuditEvent]:
        """The newest events, filtered. Reads only."""
        with self.ctx.read() as repo:
            return recent_events(repo.session, limit, record_id, actor, action, since)
