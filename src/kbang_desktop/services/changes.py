"""What changed in the database since a mark: the kinds of record written (by this window, the command
line, an Excel import or a sync bundle), so each screen can refresh what it shows (the model: Anki's
OpChanges). Reads only; cheap enough to ask after every piece of background work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from kbang_desktop.services.context import ServiceContext
from kbang_desktop.storage.changelog import changed_types, last_seq
from kbang_desktop.storage.models import AuditEvent


@dataclass(frozen=True, slots=True)
class Mark:
    """A point in the database's history: the last change-log and audit numbers seen."""

    change_seq: int = 0
    audit_seq: int = 0


class ChangeService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def mark(self) -> Mark:
        """Now, as a mark. Reads only."""
        with self.ctx.read() as repo:
            session = repo.session
            return Mark(last_seq(session),
                        session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one())

    def since(self, mark: Mark) -> tuple[Mark, frozenset[str]]:
        """The new mark and the kinds of record (table names: "person", "decision", "app_user"...)
        written after `mark`: synced records through the change log, local ones (users, settings)
        through the audit log. Reads only."""
        with self.ctx.read() as repo:
            session = repo.session
            change_seq = last_seq(session)
            audit_seq = session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one()
            if (change_seq, audit_seq) == (mark.change_seq, mark.audit_seq):
                return mark, frozenset()
            kinds = changed_types(session, mark.change_seq, change_seq) if change_seq > mark.change_seq else set()
            if audit_seq > mark.audit_seq:
                kinds |= set(session.execute(select(AuditEvent.record_type).distinct()
                                             .where(AuditEvent.seq > mark.audit_seq, AuditEvent.seq <= audit_seq)).scalars())
            return Mark(change_seq, audit_seq), frozenset(kinds)
