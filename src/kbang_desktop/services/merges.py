"""Duplicate people: the likely pairs, a merge of two records of one person, and its undoing.

A merge is a record of its own (`person_merge`, owned by the office that owns both people): the person
kept, the other one, when, by whom, and the exact list of the references it moved (table, record,
field, the value before and after). Every reference is moved by an ordinary write of its record (revs,
change log, audit), so a merge travels in bundles and converges like any edit. The other person is
never deleted: while the merge stands it drops out of every list, search, count and figure
(`storage.repo.not_merged`). The unmerge sets back every field that still holds what the merge put
there, whatever was edited since in other fields.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import person_sort_key
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.people import PersonRow, _rows, _updated
from kbang_desktop.services.units import unit_graph
from kbang_desktop.storage import queries
from kbang_desktop.storage.writes import change_refusal, jsonable, new_id, utcnow

# what the side-by-side form offers to take from the other record, and the columns each one is
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name",), "sex": ("sex",), "birth": ("birth_date", "birth_year"),
    "ethnic_code": ("ethnic_code",), "village_id": ("village_id",), "household": ("household_id", "relation_to_head"),
    "id_number": ("id_number",), "education": ("education",), "disability": ("disability",), "exempt": ("exempt",),
    "literacy": ("literacy_level", "literacy_date", "literacy_source"), "note": ("note",),
}
# the references to a person that a merge moves: (entity, table, field, only rows where)
REFERENCES: tuple[tuple[type, str, str, dict[str, Any]], ...] = (
    (E.Enrolment, "enrolment", "person_id", {}),  # the term results follow their enrolment
    (E.LiteracyAttainment, "literacy_attainment", "person_id", {}),
    (E.Registration, "registration", "subject_id", {"model_kind": "citizen"}),  # evaluations follow it
    (E.Clan, "clan", "head_person_id", {}),
)
REASONS = {"name_birth_village": N_("cùng họ tên, năm sinh (±1) và thôn, làng"),
           "id_number": N_("cùng số định danh cá nhân")}
ENTITY_OF = {"person": E.Person, "household": E.Household, **{table: entity for entity, table, _f, _w in REFERENCES}}


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two records that may be one person, and why (`REASONS`)."""

    first: PersonRow
    second: PersonRow
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"first": self.first.as_json(), "second": self.second.as_json(), "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class MergeRow:
    """A merge as the list of merges shows it."""

    id: str
    kept_id: str
    kept: str  # the kept person's name
    other_id: str
    other: str
    merged_at: datetime
    merged_by: str
    moved: int  # how many references and fields it changed
    undone_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {"merge_id": self.id, "kept": self.kept_id, "kept_name": self.kept, "other": self.other_id,
                "other_name": self.other, "merged_at": jsonable(self.merged_at), "merged_by": self.merged_by,
                "moved": self.moved, "undone_at": jsonable(self.undone_at)}


@dataclass(frozen=True, slots=True)
class Unmerged:
    merge: E.PersonMerge
    restored: int  # fields set back
    left: int  # fields edited since the merge, left as they are now

    def as_json(self) -> dict[str, Any]:
        return {"merge_id": self.merge.id, "restored": self.restored, "left": self.left}


def default_take(kept: E.Person, other: E.Person) -> tuple[str, ...]:
    """The fields the side-by-side form proposes to take from the other record: those the kept one lacks
    (an ID number, a household, an exact birth date, an education...), and a higher literacy level."""
    take = []
    if other.birth_date and not kept.birth_date:
        take.append("birth")
    for name, column in (("ethnic_code", "ethnic_code"), ("village_id", "village_id"), ("household", "household_id"),
                         ("id_number", "id_number"), ("education", "education"), ("note", "note")):
        if getattr(other, column) and not getattr(kept, column):
            take.append(name)
    if other.literacy_level > kept.literacy_level:
        take.append("literacy")
    return tuple(take)


class MergeService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def duplicates(self, commune_id: str | None = None) -> list[DuplicatePair]:
        """Likely pairs among living people (not moved away, not deceased, not merged): the same folded
        name, birth year within one year and the same village; or the same personal ID number. Two
        queries, whatever the number of people. By name, then the pair's ids. Reads only."""
        with self.ctx.read() as repo:
            communes = unit_graph(repo).predecessors_of(commune_id) | {commune_id} if commune_id else None
            found: dict[tuple[str, str], list[str]] = {}
            for reason in REASONS:
                for first, second in queries.duplicate_pairs(repo.session, reason, communes):
                    found.setdefault((first, second), []).append(reason)
            ids = {i for pair in found for i in pair}
            people = {p.id: p for p in repo.list(E.Person, repo.column(E.Person, "id").in_(ids))} if ids else {}
            names = queries.unit_names(repo.session)
        rows = {p.id: _rows(names, [(p, "")])[0] for p in people.values()}
        pairs = [DuplicatePair(rows[a], rows[b], tuple(reasons)) for (a, b), reasons in found.items()
                 if a in rows and b in rows]
        return sorted(pairs, key=lambda p: (person_sort_key(p.first.full_name), p.first.id, p.second.id))

    def pair(self, kept_id: str, other_id: str) -> tuple[E.Person, E.Person, dict[str, str]]:
        """The two people as the side-by-side form shows them, with the names of their places and
        households (id -> text). Reads only."""
        with self.ctx.read() as repo:
            kept, other = repo.require(E.Person, kept_id), repo.require(E.Person, other_id)
            names = queries.unit_names(repo.session)
            for household_id in {kept.household_id, other.household_id} - {None}:
                household = repo.get(E.Household, household_id)  # type: ignore[arg-type]
                if household is not None:
                    names[household.id] = household.number
            groups = {g.code: g.name for g in repo.list(E.EthnicGroup)}
            names.update({f"ethnic:{code}": name for code, name in groups.items()})
            return kept, other, names

    def merge(self, kept_id: str, other_id: str, take: tuple[str, ...] | None = None) -> E.PersonMerge:
        """Make `other_id` one with `kept_id`: its enrolments (with their results), literacy history,
        registrations as a learning citizen (with their evaluations), the households and clans it
        heads move to the kept person; the fields named in `take` (MERGE_FIELDS; None: `default_take`)
        are copied from it onto the kept record. The other person is marked merged, never deleted.
        One transaction; only the office that owns both people merges them (a hub never merges a
        commune's people)."""
        if kept_id == other_id:
            raise KbangError(N_("Hãy chọn hai người khác nhau để gộp."))
        unknown = set(take or ()) - set(MERGE_FIELDS)
        if unknown:
            raise KbangError(N_("Không lấy được trường {field}."), field=", ".join(sorted(unknown)))
        with self.ctx.write("merge_person") as repo:
            office = self.ctx.require_identity()[1]
            kept, other = repo.require(E.Person, kept_id), repo.require(E.Person, other_id)
            for person in (kept, other):
                refusal = change_refusal(repo.session, office, "person",
                                         {k: jsonable(v) for k, v in dataclasses.asdict(person).items()})
                if refusal:
                    raise KbangError(refusal[0], **refusal[1])
            chosen = default_take(kept, other) if take is None else tuple(take)
            moves: list[dict[str, Any]] = []
            values = {column: getattr(other, column) for name in chosen for column in MERGE_FIELDS[name]}
            values = {k: v for k, v in values.items() if getattr(kept, k) != v}
            if values:
                after = _updated(repo, self.ctx.today(), kept, dict(values))
                moves += [_move("person", kept.id, k, getattr(kept, k), getattr(after, k)) for k in values
                          if getattr(kept, k) != getattr(after, k)]
                kept = after
            for entity, table, field, where in REFERENCES:
                for row in repo.list(entity, **{field: other.id}, **where):
                    repo.update(entity, row.id, **{field: kept.id})
                    moves.append(_move(table, row.id, field, other.id, kept.id))
            for household in repo.list(E.Household, head_person_id=other.id):
                head = kept.id if kept.household_id == household.id else None
                repo.update(E.Household, household.id, head_person_id=head)
                moves.append(_move("household", household.id, "head_person_id", other.id, head))
            now = utcnow()
            return repo.add(E.PersonMerge, id=new_id(), kept_id=kept.id, other_id=other.id, commune_id=kept.commune_id,
                            merged_at=now, merged_by=self.ctx.actor.label, moves=json.dumps(moves, ensure_ascii=False),
                            undone_at=None, undone_by="")

    def unmerge(self, merge_id: str) -> Unmerged:
        """Undo a merge: the other person is back in every list, and every field the merge changed that
        still holds what the merge put there is set back (a field edited since stays as it is now, and is
        counted). One transaction; only the owner office; a merge whose kept person was merged later
        into someone else waits for that later merge to be undone first."""
        with self.ctx.write("unmerge_person") as repo:
            merge = repo.require(E.PersonMerge, merge_id)
            refusal = change_refusal(repo.session, self.ctx.require_identity()[1], "person_merge",
                                     {k: jsonable(v) for k, v in dataclasses.asdict(merge).items()})
            if refusal:
                raise KbangError(refusal[0], **refusal[1])
            if merge.undone_at is not None:
                raise KbangError(N_("Lần gộp này đã được tách lại rồi."))
            later = repo.first(E.PersonMerge, repo.column(E.PersonMerge, "undone_at").is_(None),
                               repo.column(E.PersonMerge, "kept_id") != merge.other_id,  # not the same pair reversed
                               other_id=merge.kept_id)
            if later is not None:
                raise KbangError(N_("Người được giữ lại của lần gộp này đã được gộp tiếp vào người khác (mã gộp "
                                    "{id}): hãy tách lần gộp đó trước."), id=later.id)
            restored = left = 0
            for move in reversed(json.loads(merge.moves)):
                entity = ENTITY_OF[move["table"]]
                row = repo.get(entity, move["id"], include_deleted=True)
                if row is None or row.deleted or jsonable(getattr(row, move["field"])) != move["new"]:
                    left += 1
                    continue
                repo.update(entity, row.id, **{move["field"]: _value(entity, move["field"], move["old"])})
                restored += 1
            merge = repo.update(E.PersonMerge, merge.id, undone_at=utcnow(), undone_by=self.ctx.actor.label)
            return Unmerged(merge, restored, left)

    def follow(self) -> int:
        """After a bundle was imported at the office that owns merges: a reference a merge moved that a
        concurrent edit elsewhere set back (the whole record of the later edit won), or one made
        elsewhere for the merged person meanwhile, is moved to the kept person again by an ordinary
        edit (a new reference is added to the merge's list, for its unmerge). Nothing at an office that
        owns no merge. Returns how many references it moved; one transaction."""
        office = self.ctx.require_identity()[1]
        with self.ctx.read() as repo:
            active = repo.list(E.PersonMerge, repo.column(E.PersonMerge, "undone_at").is_(None), owner_office_id=office)
        if not active:
            return 0
        # two PCs merged the same pair each the other way round: both would drop out of every list; the
        # later merge is undone (every PC of the office makes the same choice, so their edits agree)
        pairs = {(m.kept_id, m.other_id): m for m in active}
        for merge in active:
            reverse = pairs.get((merge.other_id, merge.kept_id))
            if reverse is not None and (merge.merged_at, merge.id) > (reverse.merged_at, reverse.id):
                self.unmerge(merge.id)
        moved = 0
        with self.ctx.write("merge_person_follow") as repo:
            for merge in repo.list(E.PersonMerge, repo.column(E.PersonMerge, "undone_at").is_(None),
                                   owner_office_id=office):
                moves = json.loads(merge.moves)
                listed = {(m["table"], m["id"], m["field"]) for m in moves}
                for entity, table, field, where in REFERENCES:
                    for row in repo.list(entity, **{field: merge.other_id}, **where, owner_office_id=office):
                        repo.update(entity, row.id, **{field: merge.kept_id})
                        moved += 1
                        if (table, row.id, field) not in listed:
                            moves.append(_move(table, row.id, field, merge.other_id, merge.kept_id))
                if len(moves) != len(json.loads(merge.moves)):
                    repo.update(E.PersonMerge, merge.id, moves=json.dumps(moves, ensure_ascii=False))
        return moved

    def merges(self, commune_id: str | None = None, undone: bool = False) -> list[MergeRow]:
        """The merges of a commune (None: every one held), newest first; `undone`: those undone too.
        Reads only."""
        with self.ctx.read() as repo:
            where = [] if undone else [repo.column(E.PersonMerge, "undone_at").is_(None)]
            if commune_id:
                where.append(repo.column(E.PersonMerge, "commune_id").in_(
                    unit_graph(repo).predecessors_of(commune_id) | {commune_id}))
            found = repo.list(E.PersonMerge, *where)
            ids = {m.kept_id for m in found} | {m.other_id for m in found}
            names = {p.id: p.full_name for p in repo.list(E.Person, repo.column(E.Person, "id").in_(ids),
                                                          include_deleted=True)} if ids else {}
        rows = [MergeRow(m.id, m.kept_id, names.get(m.kept_id, ""), m.other_id, names.get(m.other_id, ""), m.merged_at,
                         m.merged_by, len(json.loads(m.moves)), m.undone_at) for m in found]
        return sorted(rows, key=lambda r: (r.merged_at, r.id), reverse=True)


def _move(table: str, record_id: str, field: str, old: Any, new: Any) -> dict[str, Any]:
    return {"table": table, "id": record_id, "field": field, "old": jsonable(old), "new": jsonable(new)}


def _value(entity: type, field: str, value: Any) -> Any:
    """A value of a move as the column takes it (dates travel as ISO text)."""
    kind = {f.name: f.type for f in dataclasses.fields(entity)}[field]
    if isinstance(value, str) and str(kind).startswith("date |"):
        return date.fromisoformat(value)
    return value

