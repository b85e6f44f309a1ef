"""Learning models: criteria sets, registrations, evaluations, decisions and their entries."""

from __future__ import annotations

import json
import re
from datetime import date

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.scoring import MODEL_KINDS, CriteriaSetRef, parse_definition, score, set_in_force
from kbang_desktop.core.text import nfc
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.units import find_commune
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.writes import new_id

SUBJECT_ENTITY = {"household": E.Household, "clan": E.Clan, "village": E.AdminUnit, "organisation": E.Organisation,
                  "citizen": E.Person}
DECISION_NUMBER = re.compile(r"^\d{1,5}/[A-ZĐ0-9\-]+(/[A-ZĐ0-9\-]+)*$")
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

    def evaluations(self, registration_id: str) -> list[E.Evaluation]:
        with self.ctx.read() as repo:
            return repo.list(E.Evaluation, registration_id=registration_id)

    # --- decisions ----------------------------------------------------------------

    def create_decision(self, commune: str, number: str, decided_on: date, kind: str, year: int,
                        signer_name: str = "", signer_title: str = "chairman") -> E.Decision:
        """A draft recognition decision of the commune People's Committee."""
        number = nfc(number).upper().replace("QD", "QĐ")
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
            if not evaluations or not evaluations[-1].passed:
                raise KbangError(N_("Chỉ công nhận được khi lần đánh giá gần nhất đạt."))
            if repo.first(E.DecisionEntry, decision_id=decision_id, registration_id=registration_id):
                raise KbangError(N_("Đã có trong danh sách của quyết định này."))
            position = repo.count(E.DecisionEntry, decision_id=decision_id) + 1
            return repo.add(E.DecisionEntry, id=new_id(), decision_id=decision_id, registration_id=registration_id,
                            evaluation_id=evaluations[-1].id, position=position,
                            display_name=subject_name(repo, registration.model_kind, registration.subject_id))

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
