"""What the printed lists need: the annex of a recognition decision, the completions of a literacy class.

Reads only. Names, villages and communes are those valid on the document's date. Ethnicity,
disability and ID numbers are never part of these rows: the lists are posted and handed out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kbang_desktop.core import entities as E
from kbang_desktop.core.dates import document_date_phrase
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.literacy import PHASE_TERMS, RESULT_DONE, RESULT_NAMES, RESULT_WELL
from kbang_desktop.core.text import person_sort_key
from kbang_desktop.i18n import N_
from kbang_desktop.services.certificates import SIGNER_LINES, issuer_of, subject_facts
from kbang_desktop.services.context import ServiceContext
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


class PaperworkService:
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
