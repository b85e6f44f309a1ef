"""Literacy: classes, enrolments, term results, completions, and the commune's literacy standard."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, ValidationError
from kbang_desktop.core.literacy import (
    PHASE_TERMS,
    TERM_RESULTS,
    LiteracyRule,
    LiteracyStatus,
    level_from_results,
    rule_for,
    standard_of_tally,
)
from kbang_desktop.core.text import nfc, person_sort_key
from kbang_desktop.core.units import COMMUNE_KINDS
from kbang_desktop.core.validation import validate_learner_age
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.people import birth_of, birth_rule, set_literacy
from kbang_desktop.services.units import ESPECIALLY_DIFFICULT, designation_on, find_commune, unit_graph
from kbang_desktop.storage import queries
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.writes import new_id

SUBJECTS = ("tieng_viet", "toan")


@dataclass(frozen=True, slots=True)
class CommuneLiteracy:
    commune: E.AdminUnit
    status: LiteracyStatus

    def as_json(self) -> dict:
        s = self.status
        return {"commune": self.commune.name, "as_of": s.as_of.isoformat(),
                "especially_difficult": s.especially_difficult, "level1": s.level1.as_json(),
                "level2": s.level2.as_json(), "birth_year_only": s.birth_year_only, "exempted": s.exempted}


def rules(repo: Repository) -> list[LiteracyRule]:
    return [LiteracyRule(r.level, r.valid_from, r.valid_to, r.age_from, r.age_to, r.difficult_age_from,
                         r.difficult_age_to, Decimal(r.threshold), r.legal_basis)
            for r in repo.list(E.LiteracyRuleRecord)]


def statuses(repo: Repository, as_of: date, month: int, day: int,
             communes: list[E.AdminUnit] | None = None) -> list[CommuneLiteracy]:
    """The literacy standard on `as_of` of every commune-level unit valid that day (or of `communes`).

    People are counted where their village and commune lie on `as_of` (records kept under units
    merged since then are regrouped through the successions). A commune office and the hub run
    this same function, so their figures agree. Reads only.
    """
    graph = unit_graph(repo)
    all_rules = rules(repo)
    bands = [r for r in all_rules if r.in_force(as_of)]
    if not bands:
        rule_for(all_rules, 1, as_of)  # raises the clear message
    low = min(min(r.age_from, r.difficult_age_from) for r in bands)
    high = max(max(r.age_to, r.difficult_age_to) for r in bands)
    years = (as_of.year - high - 1, as_of.year - low)
    sources = None
    if communes is not None:
        sources = set().union(*(graph.predecessors_of(c.id) for c in communes))
    where: dict[tuple[str, str | None], str | None] = {}
    tallies: dict[str, Counter] = defaultdict(Counter)
    for (commune_id, village_id, age, level, exempt, year_only), n in queries.literacy_facts(
            repo.session, as_of, years, (month, day), sources).items():
        key = (commune_id, village_id)
        target = where.get(key, "?")
        if target == "?":
            target = where[key] = graph.record_commune_on(commune_id, village_id, as_of)
        if target is not None:
            tallies[target][(age, level, exempt, year_only)] += n
    units = communes if communes is not None else [
        u for u in repo.list(E.AdminUnit, repo.column(E.AdminUnit, "kind").in_(COMMUNE_KINDS))
        if u.valid_from <= as_of and (u.valid_to is None or as_of <= u.valid_to) and u.id in tallies]
    return [CommuneLiteracy(unit, standard_of_tally(tallies.get(unit.id, Counter()), as_of, all_rules,
                                                    designation_on(repo, unit.id, ESPECIALLY_DIFFICULT, as_of)))
            for unit in units]


def commune_status(repo: Repository, commune: E.AdminUnit, as_of: date, month: int, day: int) -> CommuneLiteracy:
    return statuses(repo, as_of, month, day, [commune])[0]


class LiteracyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def status(self, commune: str, as_of: date) -> CommuneLiteracy:
        """The literacy standard of a commune on a date (DESIGN §4). Reads only."""
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            unit = find_commune(repo, commune, as_of)
            month, day = birth_rule(repo, office_id)
            return commune_status(repo, unit, as_of, month, day)

    def add_class(self, centre_id: str, name: str, phase: int, start_date: date, teacher_name: str = "",
                  village_id: str | None = None, funding_programme: str = "") -> E.LiteracyClass:
        if phase not in PHASE_TERMS:
            raise KbangError(N_("Giai đoạn phải là 1 hoặc 2."))
        with self.ctx.write("add_literacy_class") as repo:
            repo.require(E.LearningCentre, centre_id)
            return repo.add(E.LiteracyClass, id=new_id(), centre_id=centre_id, name=name, phase=phase,
                            current_term=PHASE_TERMS[phase][0], teacher_name=teacher_name, village_id=village_id,
                            start_date=start_date, end_date=None, funding_programme=funding_programme)

    def update_class(self, class_id: str, **changes: object) -> E.LiteracyClass:
        """Correct a class: name, current term (one of its phase), teacher, village, dates, funding."""
        allowed = {"name", "current_term", "teacher_name", "village_id", "start_date", "end_date", "funding_programme"}
        unknown = set(changes) - allowed
        if unknown:
            raise KbangError(N_("Không sửa được trường {field}."), field=", ".join(sorted(unknown)))
        if "name" in changes and not nfc(str(changes["name"])):
            raise KbangError(N_("Chưa nhập tên lớp."))
        with self.ctx.write("update_literacy_class") as repo:
            current = repo.require(E.LiteracyClass, class_id)
            term = changes.get("current_term", current.current_term)
            if term not in PHASE_TERMS[current.phase]:
                raise KbangError(N_("Lớp giai đoạn {phase} chỉ có các kì {terms}."), phase=current.phase,
                                 terms=", ".join(str(t) for t in PHASE_TERMS[current.phase]))
            start, end = changes.get("start_date", current.start_date), changes.get("end_date", current.end_date)
            if end is not None and end < start:  # type: ignore[operator]
                raise KbangError(N_("Ngày kết thúc lớp trước ngày khai giảng."))
            if "name" in changes:
                changes["name"] = nfc(str(changes["name"]))
            return repo.update(E.LiteracyClass, class_id, **changes)

    def enrol(self, class_id: str, person_id: str, enrolled_on: date) -> E.Enrolment:
        """Enrol a learner aged 15 to 60; refuses a second active enrolment in the same class."""
        with self.ctx.write("enrol") as repo:
            repo.require(E.LiteracyClass, class_id)
            person = repo.require(E.Person, person_id)
            problems = validate_learner_age(birth_of(person), enrolled_on)
            if problems:
                raise ValidationError(problems)
            if person.exempt:
                raise KbangError(N_("Người này được miễn (không có khả năng học tập)."))
            if any(e.status == "studying" for e in repo.list(E.Enrolment, class_id=class_id, person_id=person_id)):
                raise KbangError(N_("Học viên đã có trong lớp này."))
            return repo.add(E.Enrolment, id=new_id(), class_id=class_id, person_id=person_id,
                            enrolled_on=enrolled_on, left_on=None, status="studying", drop_reason="")

    def drop(self, enrolment_id: str, left_on: date, reason: str) -> E.Enrolment:
        """A learner leaves a class before the end: the date and the reason are kept (reports count
        drop-outs); the results entered so far stay."""
        if not nfc(reason):
            raise KbangError(N_("Cần ghi lí do nghỉ học."))
        with self.ctx.write("drop_enrolment") as repo:
            current = repo.require(E.Enrolment, enrolment_id)
            if left_on < current.enrolled_on:
                raise KbangError(N_("Ngày nghỉ học trước ngày vào lớp ({date})."), date=current.enrolled_on.strftime("%d/%m/%Y"))
            return repo.update(E.Enrolment, enrolment_id, status="dropped", left_on=left_on, drop_reason=nfc(reason))

    def record_result(self, enrolment_id: str, term: int, subject: str, result: str, recorded_on: date) -> E.Enrolment:
        """Record (or correct) one term result; completing a phase updates the learner's literacy level."""
        if result not in TERM_RESULTS:
            raise KbangError(N_("Kết quả phải là Hoàn thành tốt, Hoàn thành hoặc Chưa hoàn thành."))
        if subject not in SUBJECTS:
            raise KbangError(N_("Môn học không hợp lệ."))
        with self.ctx.write("record_term_result") as repo:
            enrolment = repo.require(E.Enrolment, enrolment_id)
            klass = repo.require(E.LiteracyClass, enrolment.class_id)
            if term not in PHASE_TERMS[klass.phase]:
                raise KbangError(N_("Lớp giai đoạn {phase} không có kì {term}."), phase=klass.phase, term=term)
            existing = repo.first(E.TermResult, enrolment_id=enrolment_id, term=term, subject=subject)
            if existing:
                repo.update(E.TermResult, existing.id, result=result, recorded_on=recorded_on)
            else:
                repo.add(E.TermResult, id=new_id(), enrolment_id=enrolment_id, term=term, subject=subject,
                         result=result, recorded_on=recorded_on)
            if term > klass.current_term:
                repo.update(E.LiteracyClass, klass.id, current_term=term)
            results = [(r.term, r.result) for r in repo.list(E.TermResult, enrolment_id=enrolment_id)]
            final = PHASE_TERMS[klass.phase][-1]
            complete = {s for t, s in ((r.term, r.subject) for r in repo.list(E.TermResult, enrolment_id=enrolment_id))
                        if t == final}
            level = level_from_results(results) if complete >= set(SUBJECTS) else 0
            person = repo.require(E.Person, enrolment.person_id)
            if level and enrolment.status != "completed":
                enrolment = repo.update(E.Enrolment, enrolment_id, status="completed", left_on=recorded_on)
                if level > person.literacy_level:
                    set_literacy(repo, person.id, level, recorded_on, "class", enrolment_id)
            return enrolment

    def results(self, enrolment_id: str) -> list[E.TermResult]:
        with self.ctx.read() as repo:
            return repo.list(E.TermResult, enrolment_id=enrolment_id)

    def classes(self, centre_id: str | None = None) -> list[E.LiteracyClass]:
        with self.ctx.read() as repo:
            return repo.list(E.LiteracyClass, **({"centre_id": centre_id} if centre_id else {}))

    def class_sheet(self, class_id: str) -> list[tuple[E.Enrolment, E.Person, dict[tuple[int, str], str]]]:
        """The learners of a class with their term results {(term, subject): result}, Vietnamese order. Reads only."""
        with self.ctx.read() as repo:
            rows = []
            for enrolment in repo.list(E.Enrolment, class_id=class_id):
                person = repo.require(E.Person, enrolment.person_id)
                results = {(r.term, r.subject): r.result for r in repo.list(E.TermResult, enrolment_id=enrolment.id)}
                rows.append((enrolment, person, results))
        return sorted(rows, key=lambda r: person_sort_key(r[1].full_name))

    def enrolments(self, class_id: str) -> list[E.Enrolment]:
        with self.ctx.read() as repo:
            return repo.list(E.Enrolment, class_id=class_id)
