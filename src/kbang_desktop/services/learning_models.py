"""Learning models: criteria sets, registrations, evaluations, decisions and their entries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, Problem, ValidationError
from kbang_desktop.core.scoring import MODEL_KINDS, CriteriaSetRef, parse_definition, score, set_in_force
from kbang_desktop.core.text import nfc
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.units import find_commune
from kbang_desktop.storage.bulk import BulkLoader
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.writes import new_id

SUBJECT_ENTITY = {"household": E.Household, "clan": E.Clan, "village": E.AdminUnit, "organisation": E.Organisation,
                  "citizen": E.Person}
DECISION_NUMBER = re.compile(r"^\d{1,5}/[A-ZĐ0-9\-]+(/[A-ZĐ0-9\-]+)*$")


def decision_number(typed: str) -> str:
    """A decision number as it is kept: "15/qd-ubnd" -> "15/QĐ-UBND" (it must then match DECISION_NUMBER)."""
    return nfc(typed).upper().replace("QD", "QĐ")
SIGNER_TITLES = ("chairman", "vice_chairman")
MODEL_NAMES = {"household": N_("Gia đình học tập"), "clan": N_("Dòng họ học tập"),
               "village": N_("Cộng đồng học tập (cấp thôn)"), "organisation": N_("Đơn vị học tập"),
               "citizen": N_("Công dân học tập")}


def subject_name(repo: Repository, kind: str, subject_id: str) -> str:
    """How the recognised subject is named on documents."""
    subject = repo.require(SUBJECT_ENTITY[kind], subject_id)
    if kind == "household":
        head = repo.get(E.Person, subject.head_person_id) if subject.head_person_id else None
        return f"Hộ ông/bà {head.full_name}" if head else f"Hộ số {subject.number}"
    if kind == "citizen":
        return subject.full_name
    return subject.name


def subject_village(repo: Repository, kind: str, subject_id: str) -> E.AdminUnit | None:
    """The village a subject belongs to (clans and organisations belong to the commune: None)."""
    subject = repo.get(SUBJECT_ENTITY[kind], subject_id)
    if subject is None:
        return None
    if kind == "village":
        return subject
    village_id = getattr(subject, "village_id", None)
    return repo.get(E.AdminUnit, village_id) if village_id else None


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """A household, clan, village, organisation or person that may register for a year."""

    id: str
    name: str
    village_id: str | None
    village: str
    registered: bool


@dataclass(frozen=True, slots=True)
class Refusal:
    """One subject or registration refused in a batch, by its name, with why (a Problem to translate)."""

    id: str
    name: str
    problem: Problem

    def translated(self) -> str:
        return f"{self.name}: {self.problem.translated()}"


@dataclass(frozen=True, slots=True)
class RegisterResult:
    registered: tuple[E.Registration, ...]
    refused: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    """A registration as lists show it: the subject's name and village, the latest evaluation and why it failed."""

    registration: E.Registration
    name: str
    village_id: str | None
    village: str
    evaluation: E.Evaluation | None
    reasons: tuple[Problem, ...]  # empty when passed or not evaluated

    @property
    def result(self) -> str:
        """"not_evaluated", "passed" or "failed"."""
        if self.evaluation is None:
            return "not_evaluated"
        return "passed" if self.evaluation.passed else "failed"


@dataclass(frozen=True, slots=True)
class ManyEvaluated:
    """What evaluate_many() saved: one evaluation per registration, and how many of them passed."""

    saved: int
    passed: int


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    evaluation: E.Evaluation
    total: str
    passed: bool
    reasons: tuple[Problem, ...]


class Remembering:
    """A repository that remembers what it read by id during one read (a document, a list) (the same villages,
    communes and province are asked for each row; an ORM row is not kept between two gets)."""

    def __init__(self, repo: Any) -> None:
        self._repo = repo
        self._seen: dict[tuple[type, str, bool], Any] = {}

    def get(self, entity: type, record_id: str, include_deleted: bool = False) -> Any:
        key = (entity, record_id, include_deleted)
        if key not in self._seen:
            self._seen[key] = self._repo.get(entity, record_id, include_deleted=include_deleted)
        return self._seen[key]

    def require(self, entity: type, record_id: str) -> Any:
        found = self.get(entity, record_id)
        if found is None:
            return self._repo.require(entity, record_id)  # raises NotFound with its message
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)


def _latest(repo: Repository, registration_id: str) -> E.Evaluation | None:
    evaluations = sorted(repo.list(E.Evaluation, registration_id=registration_id),
                         key=lambda e: (e.evaluated_on, e.created_at))
    return evaluations[-1] if evaluations else None


def _reasons(repo: Repository, evaluation: E.Evaluation | None,
             definitions: dict[str, Any] | None = None) -> tuple[Problem, ...]:
    """Why a stored evaluation did not pass, recomputed from its scores and the set it was scored with
    (`definitions`: the sets already parsed in this read, by id)."""
    if evaluation is None or evaluation.passed:
        return ()
    definitions = {} if definitions is None else definitions
    if evaluation.criteria_set_id not in definitions:
        criteria = repo.get(E.CriteriaSet, evaluation.criteria_set_id)
        definitions[evaluation.criteria_set_id] = parse_definition(json.loads(criteria.definition)) if criteria else None
    definition = definitions[evaluation.criteria_set_id]
    if definition is None:
        return ()
    return score(definition, json.loads(evaluation.scores or "{}")).failing


class CriteriaService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def list(self, model_kind: str | None = None) -> list[E.CriteriaSet]:
        with self.ctx.read() as repo:
            return repo.list(E.CriteriaSet, **({"model_kind": model_kind} if model_kind else {}))

    def add(self, model_kind: str, name: str, definition: dict, effective_from: date, effective_to: date | None = None,
            legal_source: str = "", version: int = 1, is_template: bool = False) -> E.CriteriaSet:
        """Add a criteria set (administrators); its definition is checked before saving."""
        if model_kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        parse_definition(definition)
        with self.ctx.write("add_criteria_set", minimum_role="admin") as repo:
            return repo.add(E.CriteriaSet, id=new_id(), model_kind=model_kind, name=nfc(name),
                            legal_source=legal_source, effective_from=effective_from, effective_to=effective_to,
                            version=version, is_template=is_template,
                            definition=json.dumps(definition, ensure_ascii=False))

    def update_definition(self, set_id: str, definition: dict, is_template: bool | None = None) -> E.CriteriaSet:
        """Edit a set that no evaluation uses yet; a used set must be replaced by a new version."""
        parse_definition(definition)
        with self.ctx.write("update_criteria_set", minimum_role="admin") as repo:
            if repo.count(E.Evaluation, criteria_set_id=set_id):
                raise KbangError(N_("Bộ tiêu chí đã được dùng để đánh giá; hãy tạo phiên bản mới thay vì sửa."))
            changes: dict[str, object] = {"definition": json.dumps(definition, ensure_ascii=False)}
            if is_template is not None:
                changes["is_template"] = is_template
            return repo.update(E.CriteriaSet, set_id, **changes)

    def new_version(self, base_id: str, definition: dict, effective_from: date, effective_to: date | None = None,
                    name: str = "", legal_source: str = "", is_template: bool | None = None) -> E.CriteriaSet:
        """Replace a set from a date (administrators): a new version of the same kind, checked first, in force
        from `effective_from`; the set it replaces ends the day before if it had no end. Evaluations keep
        the set they were scored with. One transaction."""
        parse_definition(definition)
        if effective_to is not None and effective_to < effective_from:
            raise KbangError(N_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        with self.ctx.write("add_criteria_set", minimum_role="admin") as repo:
            base = repo.require(E.CriteriaSet, base_id)
            if effective_from <= base.effective_from:
                raise KbangError(N_("Phiên bản mới phải bắt đầu hiệu lực sau ngày {date}, ngày bắt đầu của phiên "
                                    "bản đang có."), date=base.effective_from.strftime("%d/%m/%Y"))
            version = max(s.version for s in repo.list(E.CriteriaSet, model_kind=base.model_kind)) + 1
            if base.effective_to is None or base.effective_to >= effective_from:
                repo.update(E.CriteriaSet, base.id, effective_to=effective_from - timedelta(days=1))
            return repo.add(E.CriteriaSet, id=new_id(), model_kind=base.model_kind, name=nfc(name) or base.name,
                            legal_source=nfc(legal_source) or base.legal_source, effective_from=effective_from,
                            effective_to=effective_to, version=version,
                            is_template=base.is_template if is_template is None else is_template,
                            definition=json.dumps(definition, ensure_ascii=False))

    def in_force(self, model_kind: str, when: date) -> E.CriteriaSet:
        with self.ctx.read() as repo:
            return _in_force(repo, model_kind, when)


def _in_force(repo: Repository, model_kind: str, when: date) -> E.CriteriaSet:
    sets = repo.list(E.CriteriaSet, model_kind=model_kind)
    chosen = set_in_force([CriteriaSetRef(s.id, s.model_kind, s.effective_from, s.effective_to, s.version)
                           for s in sets], model_kind, when)
    return next(s for s in sets if s.id == chosen.id)


class LearningModelService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --- registrations ------------------------------------------------------------

    def register(self, year: int, model_kind: str, subject_id: str, registered_on: date) -> E.Registration:
        """Register a household, clan, village, organisation or person for a year (once per year)."""
        if model_kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        if registered_on.year != year:
            raise KbangError(N_("Ngày đăng ký phải thuộc năm {year}."), year=year)
        with self.ctx.write("register_model") as repo:
            subject = repo.require(SUBJECT_ENTITY[model_kind], subject_id)
            commune_id = (subject.parent_id if model_kind == "village" else subject.commune_id)
            if any(r.status == "registered" for r in repo.list(E.Registration, year=year, model_kind=model_kind,
                                                                subject_id=subject_id)):
                raise KbangError(N_("Đã đăng ký cho năm {year}."), year=year)
            return repo.add(E.Registration, id=new_id(), year=year, model_kind=model_kind, subject_id=subject_id,
                            commune_id=commune_id, registered_on=registered_on, status="registered")

    def subjects(self, year: int, model_kind: str, village_id: str | None = None) -> list[SubjectRow]:
        """The households, clans, villages, organisations or people that may register, with their names. Reads only."""
        if model_kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        with self.ctx.read() as repo:
            taken = {r.subject_id for r in repo.list(E.Registration, year=year, model_kind=model_kind)
                     if r.status == "registered"}
            if model_kind == "village":
                found = repo.list(E.AdminUnit, kind="village")
                found = [u for u in found if u.valid_to is None or u.valid_to.year >= year]
            else:
                found = repo.list(SUBJECT_ENTITY[model_kind])
            rows = []
            for subject in found:
                village = subject_village(repo, model_kind, subject.id)
                if village_id and (village is None or village.id != village_id):
                    continue
                rows.append(SubjectRow(subject.id, subject_name(repo, model_kind, subject.id),
                                       village.id if village else None, village.name if village else "",
                                       subject.id in taken))
        return sorted(rows, key=lambda r: (r.village, r.name))

    def register_many(self, year: int, model_kind: str, subject_ids: list[str], registered_on: date) -> RegisterResult:
        """Register many subjects at once (every household of a village), in one transaction; those that
        cannot be registered (already registered, not found) are refused by name and the others kept."""
        if model_kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        if registered_on.year != year:
            raise KbangError(N_("Ngày đăng ký phải thuộc năm {year}."), year=year)
        registered, refused = [], []
        with self.ctx.write("register_model") as repo:
            taken = {r.subject_id for r in repo.list(E.Registration, year=year, model_kind=model_kind)
                     if r.status == "registered"}
            for subject_id in dict.fromkeys(subject_ids):
                subject = repo.get(SUBJECT_ENTITY[model_kind], subject_id)
                if subject is None:
                    refused.append(Refusal(subject_id, subject_id,
                                           Problem(subject_id, N_("Không tìm thấy bản ghi {id}."), id=subject_id)))
                    continue
                if subject_id in taken:
                    refused.append(Refusal(subject_id, subject_name(repo, model_kind, subject_id),
                                           Problem(subject_id, N_("Đã đăng ký cho năm {year}."), year=year)))
                    continue
                commune_id = subject.parent_id if model_kind == "village" else subject.commune_id
                registered.append(repo.add(E.Registration, id=new_id(), year=year, model_kind=model_kind,
                                           subject_id=subject_id, commune_id=commune_id,
                                           registered_on=registered_on, status="registered"))
                taken.add(subject_id)
        return RegisterResult(tuple(registered), tuple(refused))

    def rows(self, year: int, model_kind: str | None = None, village_id: str | None = None) -> list[RegistrationRow]:
        """Registrations of a year with name, village, latest evaluation and the reasons it failed. Reads only."""
        with self.ctx.read() as plain:
            repo = Remembering(plain)  # the same villages and criteria sets for every row
            latest_of: dict[str, E.Evaluation] = {}
            for evaluation in repo.list(E.Evaluation):  # one read instead of one per registration
                held = latest_of.get(evaluation.registration_id)
                if held is None or (evaluation.evaluated_on, evaluation.created_at) > (held.evaluated_on,
                                                                                      held.created_at):
                    latest_of[evaluation.registration_id] = evaluation
            definitions: dict[str, Any] = {}
            rows = []
            for registration in repo.list(E.Registration, year=year,
                                          **({"model_kind": model_kind} if model_kind else {})):
                village = subject_village(repo, registration.model_kind, registration.subject_id)
                if village_id and (village is None or village.id != village_id):
                    continue
                latest = latest_of.get(registration.id)
                rows.append(RegistrationRow(registration,
                                            subject_name(repo, registration.model_kind, registration.subject_id),
                                            village.id if village else None, village.name if village else "",
                                            latest, _reasons(repo, latest, definitions)))
        return sorted(rows, key=lambda r: (r.registration.model_kind, r.village, r.name))

    def registration_rows(self, year: int) -> list[tuple[E.Registration, str, E.Evaluation | None]]:
        """Registrations of a year with the subject's name and the latest evaluation. Reads only."""
        with self.ctx.read() as repo:
            rows = []
            for registration in repo.list(E.Registration, year=year):
                evaluations = sorted(repo.list(E.Evaluation, registration_id=registration.id),
                                     key=lambda e: (e.evaluated_on, e.created_at))
                rows.append((registration, subject_name(repo, registration.model_kind, registration.subject_id),
                             evaluations[-1] if evaluations else None))
        return sorted(rows, key=lambda r: (r[0].model_kind, r[1]))

    def registrations(self, year: int, model_kind: str | None = None) -> list[E.Registration]:
        with self.ctx.read() as repo:
            return repo.list(E.Registration, year=year, **({"model_kind": model_kind} if model_kind else {}))

    # --- evaluations --------------------------------------------------------------

    def evaluate(self, registration_id: str, scores: dict[str, object], evaluated_on: date,
                 self_assessment: bool = False, notes: str = "") -> E.Evaluation:
        """Score a registration with the criteria set in force on `evaluated_on`; the set is kept with it."""
        with self.ctx.write("evaluate") as repo:
            registration = repo.require(E.Registration, registration_id)
            criteria = _in_force(repo, registration.model_kind, evaluated_on)
            result = score(parse_definition(json.loads(criteria.definition)), scores)
            clean = {k: str(v) for k, v in scores.items()}
            return repo.add(E.Evaluation, id=new_id(), registration_id=registration_id, criteria_set_id=criteria.id,
                            evaluated_on=evaluated_on, scores=json.dumps(clean, sort_keys=True), total=str(result.total),
                            passed=result.passed, self_assessment=self_assessment, notes=notes)

    def evaluate_explained(self, registration_id: str, scores: dict[str, object], evaluated_on: date,
                           self_assessment: bool = False, notes: str = "") -> EvaluationResult:
        """evaluate(), returning the total, the result and the reasons naming the total, criterion or item that
        failed (items not given score 0; a score above an item's maximum is refused naming the item)."""
        evaluation = self.evaluate(registration_id, scores, evaluated_on, self_assessment, notes)
        with self.ctx.read() as repo:
            return EvaluationResult(evaluation, evaluation.total, evaluation.passed, _reasons(repo, evaluation))

    def evaluate_many(self, scores: dict[str, dict[str, object]], evaluated_on: date, self_assessment: bool = False,
                      notes: str = "") -> ManyEvaluated:
        """Score many registrations at once (the citizen grid: {registration id: {item code: points}}), each with
        the criteria set in force for its kind on `evaluated_on`, in one transaction. If any row cannot be scored
        (not found, a score above an item's maximum...), nothing is saved and each is named (ValidationError)."""
        with self.ctx.write("evaluate") as repo:
            sets: dict[str, tuple[E.CriteriaSet, object]] = {}
            problems: list[Problem] = []
            ready = []
            for registration_id, points in scores.items():
                registration = repo.get(E.Registration, registration_id)
                if registration is None:
                    problems.append(Problem(registration_id, N_("Không tìm thấy bản ghi {id}."), id=registration_id))
                    continue
                if registration.model_kind not in sets:
                    criteria = _in_force(repo, registration.model_kind, evaluated_on)
                    sets[registration.model_kind] = (criteria, parse_definition(json.loads(criteria.definition)))
                criteria, definition = sets[registration.model_kind]
                try:
                    result = score(definition, points)  # type: ignore[arg-type]
                except ValidationError as error:
                    name = subject_name(repo, registration.model_kind, registration.subject_id)
                    problems.extend(Problem(registration_id, N_("{name}: {problem}"), name=name, problem=p.translated())
                                    for p in error.problems)
                    continue
                ready.append((registration_id, criteria.id, {k: str(v) for k, v in points.items()}, result))
            if problems:
                raise ValidationError(problems)  # the transaction is rolled back: nothing saved
            loader = BulkLoader(repo.session, repo.session.info["writer"])  # executemany, one audit event
            loader.insert("evaluation", [
                {"id": new_id(), "registration_id": registration_id, "criteria_set_id": set_id,
                 "evaluated_on": evaluated_on, "scores": json.dumps(clean, sort_keys=True), "total": str(result.total),
                 "passed": result.passed, "self_assessment": self_assessment, "notes": notes}
                for registration_id, set_id, clean, result in ready])
            loader.finish("evaluate", {"rows": len(ready), "on": evaluated_on.isoformat()})
        return ManyEvaluated(len(ready), sum(1 for r in ready if r[3].passed))

    def evaluations(self, registration_id: str) -> list[E.Evaluation]:
        with self.ctx.read() as repo:
            return repo.list(E.Evaluation, registration_id=registration_id)

    # --- decisions ----------------------------------------------------------------

    def create_decision(self, commune: str, number: str, decided_on: date, kind: str, year: int,
                        signer_name: str = "", signer_title: str = "chairman") -> E.Decision:
        """A draft recognition decision of the commune People's Committee."""
        number = decision_number(number)
        if not DECISION_NUMBER.match(number):
            raise KbangError(N_("Số quyết định \"{number}\" không đúng dạng (ví dụ 15/QĐ-UBND)."), number=number)
        if kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        if signer_title not in SIGNER_TITLES:
            raise KbangError(N_("Chức vụ người ký phải là Chủ tịch hoặc Phó Chủ tịch."))
        with self.ctx.write("create_decision") as repo:
            unit = find_commune(repo, commune, decided_on)
            for other in repo.list(E.Decision, issuer_unit_id=unit.id, number=number):
                if other.decided_on.year == decided_on.year:
                    raise KbangError(N_("Số quyết định {number} đã dùng trong năm {year}."), number=number,
                                     year=decided_on.year)
            return repo.add(E.Decision, id=new_id(), issuer_unit_id=unit.id, number=number, decided_on=decided_on,
                            signer_name=nfc(signer_name), signer_title=signer_title, kind=kind, year=year,
                            status="draft", revoked_on=None, revoke_reason="")

    def add_entry(self, decision_id: str, registration_id: str) -> E.DecisionEntry:
        """Add a registration that passed its latest evaluation to a draft decision."""
        with self.ctx.write("add_decision_entry") as repo:
            decision = repo.require(E.Decision, decision_id)
            if decision.status != "draft":
                raise KbangError(N_("Chỉ thêm được vào quyết định đang soạn thảo."))
            registration = repo.require(E.Registration, registration_id)
            if registration.model_kind != decision.kind or registration.year != decision.year:
                raise KbangError(N_("Đăng ký không cùng loại mô hình hoặc cùng năm với quyết định."))
            evaluations = sorted(repo.list(E.Evaluation, registration_id=registration_id),
                                 key=lambda e: (e.evaluated_on, e.created_at))
            if not evaluations:
                raise KbangError(N_("Chưa đánh giá: chấm điểm trước, rồi mới công nhận được."))
            if not evaluations[-1].passed:
                raise KbangError(N_("Chỉ công nhận được khi lần đánh giá gần nhất đạt."))
            if repo.first(E.DecisionEntry, decision_id=decision_id, registration_id=registration_id):
                raise KbangError(N_("Đã có trong danh sách của quyết định này."))
            position = repo.count(E.DecisionEntry, decision_id=decision_id) + 1
            return repo.add(E.DecisionEntry, id=new_id(), decision_id=decision_id, registration_id=registration_id,
                            evaluation_id=evaluations[-1].id, position=position,
                            display_name=subject_name(repo, registration.model_kind, registration.subject_id))

    def add_entries(self, decision_id: str, registration_ids: list[str]) -> list[E.DecisionEntry]:
        """Add many registrations to a draft decision in one transaction. If any cannot be added (latest evaluation
        not passed, other kind or year, already listed), nothing is added and each is named (ValidationError)."""
        with self.ctx.write("add_decision_entry") as repo:
            decision = repo.require(E.Decision, decision_id)
            if decision.status != "draft":
                raise KbangError(N_("Chỉ thêm được vào quyết định đang soạn thảo."))
            listed = {e.registration_id for e in repo.list(E.DecisionEntry, decision_id=decision_id)}
            position = len(listed)
            problems, added = [], []
            for registration_id in dict.fromkeys(registration_ids):
                registration = repo.get(E.Registration, registration_id)
                if registration is None:
                    problems.append(Problem(registration_id, N_("Không tìm thấy bản ghi {id}."), id=registration_id))
                    continue
                name = subject_name(repo, registration.model_kind, registration.subject_id)
                latest = _latest(repo, registration_id)
                if registration.model_kind != decision.kind or registration.year != decision.year:
                    problems.append(Problem(registration_id, N_("{name}: không cùng loại mô hình hoặc cùng năm với "
                                                                "quyết định."), name=name))
                elif latest is None:
                    problems.append(Problem(registration_id, N_("{name}: chưa được đánh giá."), name=name))
                elif not latest.passed:
                    problems.append(Problem(registration_id, N_("{name}: lần đánh giá gần nhất chưa đạt."), name=name))
                elif registration_id in listed:
                    problems.append(Problem(registration_id, N_("{name}: đã có trong danh sách của quyết định này."),
                                            name=name))
                elif not problems:
                    position += 1
                    added.append(repo.add(E.DecisionEntry, id=new_id(), decision_id=decision_id,
                                          registration_id=registration_id, evaluation_id=latest.id,
                                          position=position, display_name=name))
            if problems:
                raise ValidationError(problems)  # the transaction is rolled back: nothing added
            return added

    def remove_entries(self, decision_id: str, registration_ids: list[str]) -> int:
        """Take registrations off a draft decision; the others keep their order (renumbered 1, 2, ...)."""
        with self.ctx.write("remove_decision_entry") as repo:
            decision = repo.require(E.Decision, decision_id)
            if decision.status != "draft":
                raise KbangError(N_("Chỉ sửa được danh sách của quyết định đang soạn thảo."))
            wanted = set(registration_ids)
            entries = sorted(repo.list(E.DecisionEntry, decision_id=decision_id), key=lambda e: e.position)
            missing = wanted - {e.registration_id for e in entries}
            if missing:
                raise KbangError(N_("Không có trong danh sách của quyết định này: {ids}."), ids=", ".join(sorted(missing)))
            position = 0
            for entry in entries:
                if entry.registration_id in wanted:
                    repo.tombstone(E.DecisionEntry, entry.id)
                else:
                    position += 1
                    if entry.position != position:
                        repo.update(E.DecisionEntry, entry.id, position=position)
            return len(wanted)

    def issue(self, decision_id: str) -> E.Decision:
        with self.ctx.write("issue_decision") as repo:
            decision = repo.require(E.Decision, decision_id)
            if decision.status != "draft":
                raise KbangError(N_("Quyết định này không còn ở trạng thái soạn thảo."))
            if not repo.count(E.DecisionEntry, decision_id=decision_id):
                raise KbangError(N_("Quyết định chưa có ai được công nhận."))
            if not decision.signer_name:
                raise KbangError(N_("Chưa nhập người ký."))
            return repo.update(E.Decision, decision_id, status="issued")

    def revoke(self, decision_id: str, revoked_on: date, reason: str) -> E.Decision:
        if not nfc(reason):
            raise KbangError(N_("Cần ghi lý do thu hồi."))
        with self.ctx.write("revoke_decision", minimum_role="admin") as repo:
            decision = repo.require(E.Decision, decision_id)
            if decision.status != "issued":
                raise KbangError(N_("Chỉ thu hồi được quyết định đã ban hành."))
            return repo.update(E.Decision, decision_id, status="revoked", revoked_on=revoked_on,
                               revoke_reason=nfc(reason))

    def decisions(self, year: int | None = None) -> list[tuple[E.Decision, int]]:
        """Decisions with their number of entries, newest first."""
        with self.ctx.read() as repo:
            found = repo.list(E.Decision, **({"year": year} if year else {}))
            return [(d, repo.count(E.DecisionEntry, decision_id=d.id))
                    for d in sorted(found, key=lambda d: (d.decided_on, d.number), reverse=True)]

    def entries(self, decision_id: str) -> list[E.DecisionEntry]:
        with self.ctx.read() as repo:
            return sorted(repo.list(E.DecisionEntry, decision_id=decision_id), key=lambda e: e.position)
