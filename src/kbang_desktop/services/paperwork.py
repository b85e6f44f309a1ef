"""What the printed lists need: the annex of a recognition decision, the completions of a literacy class.

Reads only. Names, villages and communes are those valid on the document's date. Ethnicity,
disability and ID numbers are never part of these rows: the lists are posted and handed out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kbang_desktop.core import entities as E
from kbang_desktop.core.dates import document_date_phrase
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.literacy import PHASE_TERMS, RESULT_DONE, RESULT_NAMES, RESULT_WELL
from kbang_desktop.core.scoring import MODEL_KINDS, CriteriaDefinition, CriteriaSetRef, parse_definition, set_in_force
from kbang_desktop.core.text import collation_key, nfc, person_sort_key
from kbang_desktop.i18n import N_
from kbang_desktop.services.certificates import SIGNER_LINES, issuer_of, subject_facts
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.learning_models import Remembering, subject_village
from kbang_desktop.services.people import birth_of
from kbang_desktop.services.units import unit_graph

SEX_NAMES = {"M": "Nam", "F": "Nữ"}


@dataclass(frozen=True, slots=True)
class Heading:
    """The top of an official document and its signature block."""

    issuer_unit: str  # "XÃ KÔNG BƠ LA"
    issuer_name: str  # "xã Kông Bơ La"
    place_date: str  # "Kông Bơ La, ngày 05 tháng 02 năm 2026"
    signer_title: tuple[str, ...]
    signer_name: str


@dataclass(frozen=True, slots=True)
class AnnexRow:
    position: int
    name: str
    address: str
    total: Decimal | None


@dataclass(frozen=True, slots=True)
class Annex:
    heading: Heading
    kind: str
    year: int
    number: str
    decided_on: date
    status: str
    rows: tuple[AnnexRow, ...]


@dataclass(frozen=True, slots=True)
class CompletionRow:
    person_id: str
    name: str
    honorific: str
    birth: str
    sex: str
    village: str
    address: str
    result: str  # the final term's results, e.g. "Hoàn thành tốt"
    completed_on: date | None


@dataclass(frozen=True, slots=True)
class Completions:
    heading: Heading
    class_name: str
    centre_name: str
    phase: int
    start_date: date
    end_date: date | None
    rows: tuple[CompletionRow, ...]


class _DecisionLists:
    """The annex of a decision and the completions of a literacy class."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def annex(self, decision_id: str) -> Annex:
        """The list attached to a decision, in the decision's order. Reads only."""
        with self.ctx.read() as repo:
            decision = repo.require(E.Decision, decision_id)
            graph = unit_graph(repo)
            unit, name = issuer_of(repo, decision.issuer_unit_id)
            place = repo.require(E.AdminUnit, decision.issuer_unit_id).name
            rows = []
            for entry in sorted(repo.list(E.DecisionEntry, decision_id=decision_id), key=lambda e: e.position):
                registration = repo.require(E.Registration, entry.registration_id)
                subject, address = subject_facts(repo, graph, registration.model_kind, registration.subject_id,
                                                 decision.decided_on)
                evaluation = repo.get(E.Evaluation, entry.evaluation_id) if entry.evaluation_id else None
                rows.append(AnnexRow(entry.position, subject["name"], address,
                                     Decimal(evaluation.total) if evaluation else None))
            heading = Heading(unit, name, document_date_phrase(place, decision.decided_on),
                              SIGNER_LINES.get(decision.signer_title, SIGNER_LINES["chairman"]), decision.signer_name)
            return Annex(heading, decision.kind, decision.year, decision.number, decision.decided_on, decision.status,
                         tuple(rows))

    def completions(self, class_id: str, phase: int | None = None, on: date | None = None,
                    signer_name: str = "") -> Completions:
        """The learners of a class who completed its phase, sorted the Vietnamese way. Reads only."""
        with self.ctx.read() as repo:
            klass = repo.require(E.LiteracyClass, class_id)
            phase = phase or klass.phase
            if phase != klass.phase:
                raise KbangError(N_("Lớp {name} là lớp giai đoạn {phase}."), name=klass.name, phase=klass.phase)
            centre = repo.require(E.LearningCentre, klass.centre_id)
            when = on or klass.end_date or self.ctx.today()
            graph = unit_graph(repo)
            commune_id = graph.commune_on(centre.commune_id, when) or centre.commune_id
            unit, name = issuer_of(repo, commune_id)
            place = repo.require(E.AdminUnit, commune_id).name
            final = PHASE_TERMS[phase][-1]
            rows = []
            for enrolment in repo.list(E.Enrolment, class_id=class_id, status="completed"):
                person = repo.require(E.Person, enrolment.person_id)
                results = [r.result for r in repo.list(E.TermResult, enrolment_id=enrolment.id, term=final)]
                result = RESULT_NAMES[RESULT_WELL if results and all(r == RESULT_WELL for r in results) else RESULT_DONE]
                village = repo.get(E.AdminUnit, person.village_id) if person.village_id else None
                subject, address = subject_facts(repo, graph, "citizen", person.id, when)
                rows.append(CompletionRow(person.id, person.full_name, subject["honorific"], birth_of(person).display(),
                                          SEX_NAMES.get(person.sex, ""), village.name if village else "", address,
                                          result, enrolment.left_on))
            rows.sort(key=lambda r: person_sort_key(r.name))
            heading = Heading(unit, name, document_date_phrase(place, when), SIGNER_LINES["chairman"], signer_name)
            return Completions(heading, klass.name, centre.name, phase, klass.start_date, klass.end_date, tuple(rows))


# --- the paperwork of a year of learning models --------------------------------------------------
#
# Facts only; the wording and the layout are documents/paperwork.py's (resources/templates/paperwork.json).


@dataclass(frozen=True, slots=True)
class Place:
    """Who a document is from: the commune (and the village for a village's papers)."""

    commune_unit: str  # "XÃ KÔNG BƠ LA"
    commune_name: str  # "xã Kông Bơ La"
    place: str  # "Kông Bơ La": the place of the date line
    village: str = ""  # "Làng Kon Lốc", for a village's papers


@dataclass(frozen=True, slots=True)
class RegisteredRow:
    registration_id: str
    kind: str
    name: str
    village: str
    address: str
    registered_on: date
    evaluated_on: date | None
    total: Decimal | None
    passed: bool | None  # None: not evaluated
    decision: str  # the number of the issued decision that recognised it, or ""


@dataclass(frozen=True, slots=True)
class YearList:
    """The registrations of a year (a village's, a kind's): the registration list and the review minutes."""

    place: Place
    year: int
    kind: str | None
    rows: tuple[RegisteredRow, ...]

    @property
    def proposed(self) -> tuple[RegisteredRow, ...]:
        """Those whose latest evaluation passed and that no issued decision recognised yet."""
        return tuple(r for r in self.rows if r.passed and not r.decision)


@dataclass(frozen=True, slots=True)
class ScoringSheet:
    """One phiếu đánh giá: the criteria in force with their maximum points, to be scored on paper."""

    place: Place
    year: int
    kind: str
    name: str  # "" for a blank form
    address: str
    criteria_name: str
    legal_source: str
    template: bool
    definition: CriteriaDefinition
    groups: tuple[tuple[str, str], ...] = ()  # (criterion code, the group of competences it belongs to)


@dataclass(frozen=True, slots=True)
class IssuedRow:
    serial: int
    kind: str
    name: str
    address: str
    decision_number: str
    decided_on: date
    issued_on: date
    printed: int  # how many times it was printed
    reprints: tuple[tuple[date, str], ...]  # (day, reason) of each reprint
    code: str
    revoked: bool


@dataclass(frozen=True, slots=True)
class CertificateRegister:
    place: Place
    year: int
    rows: tuple[IssuedRow, ...]


@dataclass(frozen=True, slots=True)
class VillageCounts:
    village: str  # "" for subjects of the whole commune (clans, organisations)
    registered: int
    evaluated: int
    passed: int
    recognised: int


@dataclass(frozen=True, slots=True)
class ModelCounts:
    kind: str
    villages: tuple[VillageCounts, ...]
    total: VillageCounts
    denominator: int  # households, clans, villages, organisations or adults of the commune
    target: Fraction | None  # the national target's share
    target_basis: str
    target_year: int | None

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.total.recognised, self.denominator) if self.denominator else None


@dataclass(frozen=True, slots=True)
class YearReport:
    place: Place
    year: int
    as_of: date
    number: str
    signer_name: str
    signer_title: tuple[str, ...]
    preparer: str
    models: tuple[ModelCounts, ...]


def _commune_of_office(ctx: ServiceContext, repo: Any) -> E.AdminUnit:
    _site, office_id = ctx.require_identity()
    office = repo.require(E.Office, office_id)
    if not office.unit_id:
        raise KbangError(N_("Chỉ văn phòng của một xã mới lập được giấy tờ này."))
    return repo.require(E.AdminUnit, office.unit_id)


def _place(repo: Any, commune: E.AdminUnit, village: E.AdminUnit | None = None) -> Place:
    unit, name = issuer_of(repo, commune.id)
    return Place(unit, name, commune.name, village.name if village else "")


def _village_in(repo: Any, commune: E.AdminUnit, village_id: str | None) -> E.AdminUnit | None:
    if not village_id:
        return None
    village = repo.require(E.AdminUnit, village_id)
    if village.kind != "village":
        raise KbangError(N_("{name} không phải là thôn, làng."), name=village.name)
    return village


class _YearPapers:
    """The registration list, the scoring sheets, the review minutes, the register of certificates and
    the yearly report of the commune of this office. Reads only."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _rows(self, repo: Any, commune: E.AdminUnit, year: int, kind: str | None,
              village: E.AdminUnit | None) -> list[RegisteredRow]:
        repo = Remembering(repo)
        graph = unit_graph(repo)
        latest_of: dict[str, E.Evaluation] = {}
        for evaluation in repo.list(E.Evaluation):  # one read instead of one per registration
            held = latest_of.get(evaluation.registration_id)
            if held is None or (evaluation.evaluated_on, evaluation.created_at) > (held.evaluated_on, held.created_at):
                latest_of[evaluation.registration_id] = evaluation
        recognised: dict[str, str] = {}
        for decision in repo.list(E.Decision, year=year, status="issued"):
            for entry in repo.list(E.DecisionEntry, decision_id=decision.id):
                recognised.setdefault(entry.registration_id, decision.number)
        found = []
        for registration in repo.list(E.Registration, year=year, commune_id=commune.id, status="registered",
                                      **({"model_kind": kind} if kind else {})):
            home = subject_village(repo, registration.model_kind, registration.subject_id)
            if village is not None and (home is None or home.id != village.id):
                continue
            latest = latest_of.get(registration.id)
            when = latest.evaluated_on if latest else registration.registered_on
            subject, address = subject_facts(repo, graph, registration.model_kind, registration.subject_id, when)
            found.append(RegisteredRow(
                registration.id, registration.model_kind, subject["name"], home.name if home else "",
                address, registration.registered_on, latest.evaluated_on if latest else None,
                Decimal(latest.total) if latest else None, latest.passed if latest else None,
                recognised.get(registration.id, "")))
        order = {k: i for i, k in enumerate(MODEL_KINDS)}
        return sorted(found, key=lambda r: (order[r.kind], collation_key(r.village), person_sort_key(r.name)))

    def year_list(self, year: int, kind: str | None = None, village_id: str | None = None) -> YearList:
        """The registrations of the commune for `year` (of one kind, of one village), each with its latest
        evaluation and the issued decision that recognised it; sorted by kind, village, then name."""
        if kind is not None and kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        with self.ctx.read() as repo:
            commune = _commune_of_office(self.ctx, repo)
            village = _village_in(repo, commune, village_id)
            return YearList(_place(repo, commune, village), year, kind,
                            tuple(self._rows(repo, commune, year, kind, village)))

    def scoring_sheets(self, year: int, kind: str, registration_ids: Sequence[str] = (), village_id: str | None = None,
                       on: date | None = None, blank: bool = False) -> list[ScoringSheet]:
        """Phiếu đánh giá under the criteria set in force on `on` (default: today): one per registration
        named, else one per registration of the kind (and village) for the year, else one blank form."""
        if kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        when = on or self.ctx.today()
        with self.ctx.read() as repo:
            commune = _commune_of_office(self.ctx, repo)
            village = _village_in(repo, commune, village_id)
            place = _place(repo, commune, village)
            sets = repo.list(E.CriteriaSet, model_kind=kind)
            chosen = set_in_force([CriteriaSetRef(s.id, s.model_kind, s.effective_from, s.effective_to, s.version)
                                   for s in sets], kind, when)
            criteria = next(s for s in sets if s.id == chosen.id)
            raw = json.loads(criteria.definition)
            definition = parse_definition(raw)
            groups = tuple((str(c["code"]), str(c["group"])) for c in raw.get("criteria", []) if c.get("group"))

            def sheet(name: str, address: str, village_name: str) -> ScoringSheet:
                return ScoringSheet(Place(place.commune_unit, place.commune_name, place.place, village_name), year,
                                    kind, name, address, criteria.name, criteria.legal_source, criteria.is_template,
                                    definition, groups)

            if blank:
                return [sheet("", "", place.village)]
            rows = self._rows(repo, commune, year, kind, village)
            if registration_ids:
                wanted = list(dict.fromkeys(registration_ids))
                by_id = {r.registration_id: r for r in rows}
                for registration_id in wanted:
                    if registration_id not in by_id:
                        found = repo.require(E.Registration, registration_id)
                        if found.model_kind != kind or found.year != year:
                            raise KbangError(N_("Đăng ký không cùng loại mô hình hoặc cùng năm với quyết định."))
                        raise KbangError(N_("Không tìm thấy bản ghi {id}."), id=registration_id)
                rows = [by_id[i] for i in wanted]
            return [sheet(r.name, r.address, r.village) for r in rows] or [sheet("", "", place.village)]

    def certificate_register(self, year: int) -> CertificateRegister:
        """Sổ theo dõi cấp giấy công nhận: the certificates of this office numbered in `year`, by serial,
        with their decision, how many times each was printed and every reprint's day and reason."""
        with self.ctx.read() as repo:
            commune = _commune_of_office(self.ctx, repo)
            _site, office_id = self.ctx.require_identity()
            graph = unit_graph(repo)
            rows = []
            for certificate in repo.list(E.Certificate, office_id=office_id, year=year, include_deleted=True):
                entry = repo.get(E.DecisionEntry, certificate.entry_id, include_deleted=True)
                if entry is None:
                    continue
                decision = repo.require(E.Decision, entry.decision_id)
                registration = repo.require(E.Registration, entry.registration_id)
                subject, address = subject_facts(repo, graph, registration.model_kind, registration.subject_id,
                                                 decision.decided_on)
                name = (f"Hộ {subject['honorific_lower']} {subject['name']}" if registration.model_kind == "household"
                        else subject["name"])
                prints = sorted(repo.list(E.CertificatePrint, certificate_id=certificate.id),
                                key=lambda p: p.printed_at)
                rows.append(IssuedRow(
                    certificate.serial, registration.model_kind, name, address, decision.number,
                    decision.decided_on, certificate.issued_on, len(prints),
                    tuple((p.printed_at.date(), p.reason) for p in prints if p.reprint), certificate.verification_code,
                    decision.status == "revoked" or certificate.deleted))
            return CertificateRegister(_place(repo, commune), year, tuple(sorted(rows, key=lambda r: r.serial)))

    def year_report(self, year: int, as_of: date | None = None, number: str = "", signer_name: str = "",
                    signer_title: str = "chairman", preparer: str = "") -> YearReport:
        """The commune's report on learning models for `year`: per model and village, the registered,
        evaluated, passed and recognised (in decisions issued up to `as_of`), against the national targets."""
        from kbang_desktop.services.reports import ReportService, _Scope, national_targets

        as_of = as_of or self.ctx.today()
        targets = national_targets()
        with self.ctx.read() as repo:
            commune = _commune_of_office(self.ctx, repo)
            recognised = set()
            for decision in repo.list(E.Decision, year=year, status="issued"):
                if decision.decided_on <= as_of:
                    recognised |= {e.registration_id for e in repo.list(E.DecisionEntry, decision_id=decision.id)}
            rows = [r for r in self._rows(repo, commune, year, None, None) if r.registered_on <= as_of]
            scope = _Scope(repo, as_of, None)
            denominators = ReportService(self.ctx).denominators(repo, scope, as_of).get(commune.id, {})
            place = _place(repo, commune)
        models = []
        for kind in MODEL_KINDS:
            mine = [r for r in rows if r.kind == kind]
            villages = []
            for village in sorted({r.village for r in mine}, key=lambda v: (v == "", collation_key(v))):
                here = [r for r in mine if r.village == village]
                villages.append(_counts(village, here, recognised, as_of))
            target = targets.get(kind)
            models.append(ModelCounts(kind, tuple(villages), _counts("", mine, recognised, as_of),
                                      int(denominators.get(kind, 0)), target.share if target else None,
                                      target.legal_basis if target else "", target.year if target else None))
        return YearReport(place, year, as_of, nfc(number).upper().replace("QD", "QĐ"), nfc(signer_name),
                          SIGNER_LINES.get(signer_title, SIGNER_LINES["chairman"]), nfc(preparer), tuple(models))


def _counts(village: str, rows: Sequence[RegisteredRow], recognised: set[str], as_of: date) -> VillageCounts:
    evaluated = [r for r in rows if r.evaluated_on is not None and r.evaluated_on <= as_of]
    return VillageCounts(village, len(rows), len(evaluated), sum(1 for r in evaluated if r.passed),
                         sum(1 for r in rows if r.registration_id in recognised))


class PaperworkService(_DecisionLists, _YearPapers):
    """What every printed list and form needs. Reads only."""
