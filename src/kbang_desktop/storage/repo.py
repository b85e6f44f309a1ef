"""Generic repository: ORM rows in, frozen entities out (DESIGN §2 rule 3).

Services name records by their entity class (`core.entities.Person`), never by
ORM class, and get entities back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import NotFound
from kbang_desktop.i18n import N_
from kbang_desktop.storage import models as M

T = TypeVar("T")

MODEL_OF: dict[type, type[M.Base]] = {
    E.AdminUnit: M.AdminUnit, E.AdminSuccession: M.AdminSuccession, E.UnitDesignation: M.UnitDesignation,
    E.EthnicGroup: M.EthnicGroup, E.LiteracyRuleRecord: M.LiteracyRuleRow, E.Office: M.Office, E.Site: M.Site,
    E.OfficeSetting: M.OfficeSetting, E.Household: M.Household, E.Person: M.Person, E.PersonMerge: M.PersonMerge,
    E.LiteracyAttainment: M.LiteracyAttainment, E.Clan: M.Clan, E.ClanMember: M.ClanMember,
    E.Organisation: M.Organisation, E.LearningCentre: M.LearningCentre, E.CentreStaff: M.CentreStaff,
    E.CentreActivity: M.CentreActivity, E.CentreRanking: M.CentreRanking, E.LiteracyClass: M.LiteracyClass,
    E.Enrolment: M.Enrolment, E.TermResult: M.TermResult, E.CriteriaSet: M.CriteriaSet,
    E.Registration: M.Registration, E.Evaluation: M.Evaluation, E.Decision: M.Decision,
    E.DecisionEntry: M.DecisionEntry, E.Certificate: M.Certificate, E.CertificatePrint: M.CertificatePrint,
    E.User: M.User, E.AuditEvent: M.AuditEvent, E.ChangeLog: M.ChangeLog, E.LocalState: M.LocalState,
    E.Peer: M.Peer, E.SiteReceipt: M.SiteReceipt, E.PeerSite: M.PeerSite, E.BundleLedger: M.BundleLedger, E.Conflict: M.Conflict,
}
ENTITY_OF: dict[type[M.Base], type] = {model: entity for entity, model in MODEL_OF.items()}
_FIELDS: dict[type, tuple[str, ...]] = {e: tuple(f.name for f in dataclasses.fields(e)) for e in MODEL_OF}


def merged_people() -> Any:
    """The ids of the people merged into another record (a merge not undone): they drop out of every
    list, search, count and figure, as deleted records do, but stay in the database."""
    merge = M.PersonMerge
    return select(merge.other_id).where(merge.deleted.is_(False), merge.undone_at.is_(None))


def not_merged(id_column: Any) -> Any:
    """A condition: the person whose id is `id_column` is not merged into another record."""
    return id_column.not_in(merged_people())


def to_entity(row: M.Base) -> Any:
    entity = ENTITY_OF[type(row)]
    return entity(**{name: getattr(row, name) for name in _FIELDS[entity]})


class Repository:
    """Reads and writes records by entity type within one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, entity: type, record_id: str) -> M.Base | None:
        return self.session.get(MODEL_OF[entity], record_id)

    def get(self, entity: type[T], record_id: str, include_deleted: bool = False) -> T | None:
        row = self._row(entity, record_id)
        if row is None or (not include_deleted and getattr(row, "deleted", False)):
            return None
        if entity is E.Person and not include_deleted and self.session.execute(
                merged_people().where(M.PersonMerge.other_id == record_id).limit(1)).first():
            return None
        return to_entity(row)

    def require(self, entity: type[T], record_id: str) -> T:
        found = self.get(entity, record_id)
        if found is None:
            raise NotFound(N_("Không tìm thấy bản ghi {id}."), id=record_id)
        return found

    def add(self, entity: type[T], **values: Any) -> T:
        row = MODEL_OF[entity](**values)
        self.session.add(row)
        self.session.flush()
        return to_entity(row)

    def update(self, entity: type[T], record_id: str, **changes: Any) -> T:
        row = self._row(entity, record_id)
        if row is None or getattr(row, "deleted", False):
            raise NotFound(N_("Không tìm thấy bản ghi {id}."), id=record_id)
        for key, value in changes.items():
            if key not in _FIELDS[entity]:
                raise AttributeError(key)
            if getattr(row, key) != value:
                setattr(row, key, value)
        self.session.flush()
        return to_entity(row)

    def update_many(self, entity: type[T], changes: dict[str, dict[str, Any]]) -> None:
        """`update` of many records, read in one query and written in one flush (an import of a list:
        each record still gets its rev, change-log entry, audit and write-policy check)."""
        model = MODEL_OF[entity]
        ids = list(changes)
        rows: dict[str, Any] = {}
        for start in range(0, len(ids), 500):
            statement = select(model).where(model.id.in_(ids[start:start + 500]))  # type: ignore[attr-defined]
            rows.update((row.id, row) for row in self.session.execute(statement).scalars())
        for record_id, values in changes.items():
            row = rows.get(record_id)
            if row is None or getattr(row, "deleted", False):
                raise NotFound(N_("Không tìm thấy bản ghi {id}."), id=record_id)
            for key, value in values.items():
                if key not in _FIELDS[entity]:
                    raise AttributeError(key)
                if getattr(row, key) != value:
                    setattr(row, key, value)
        self.session.flush()

    def tombstone(self, entity: type[T], record_id: str) -> T:
        """Mark a syncable record deleted (records are never removed by normal use)."""
        return self.update(entity, record_id, deleted=True)

    def list(self, entity: type[T], *where: Any, order_by: Iterable[Any] = (), include_deleted: bool = False,
             limit: int | None = None, **equals: Any) -> list[T]:
        """Records matching SQL conditions `where` and field equalities `equals`."""
        model = MODEL_OF[entity]
        statement = select(model).where(*where, *(getattr(model, k) == v for k, v in equals.items()))
        if hasattr(model, "deleted") and not include_deleted:
            statement = statement.where(model.deleted.is_(False))
        if model is M.Person and not include_deleted:
            statement = statement.where(not_merged(M.Person.id))
        statement = statement.order_by(*order_by)
        if limit:
            statement = statement.limit(limit)
        return [to_entity(row) for row in self.session.execute(statement).scalars()]

    def first(self, entity: type[T], *where: Any, **equals: Any) -> T | None:
        found = self.list(entity, *where, limit=1, **equals)
        return found[0] if found else None

    def column(self, entity: type, name: str) -> Any:
        """The SQL column `name` of an entity's table, for conditions in `list()`."""
        return getattr(MODEL_OF[entity], name)

    def count(self, entity: type, *where: Any, **equals: Any) -> int:
        from sqlalchemy import func

        model = MODEL_OF[entity]
        statement = select(func.count()).select_from(model).where(
            *where, *(getattr(model, k) == v for k, v in equals.items()))
        if hasattr(model, "deleted"):
            statement = statement.where(model.deleted.is_(False))
        if model is M.Person:
            statement = statement.where(not_merged(M.Person.id))
        return int(self.session.execute(statement).scalar_one())

    def local(self, key: str, default: str | None = None) -> str | None:
        row = self.session.get(M.LocalState, key)
        return row.value if row else default

    def set_local(self, key: str, value: str) -> None:
        row = self.session.get(M.LocalState, key)
        if row is None:
            self.session.add(M.LocalState(key=key, value=value))
        else:
            row.value = value
