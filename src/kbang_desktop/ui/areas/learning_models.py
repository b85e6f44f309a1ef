"""Mô hình học tập: registrations of a year (one or many at once from a list), evaluation on the criteria
checklist with the total and the result computed live, and decisions (draft, entries, issue, revoke)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.scoring import MODEL_KINDS, parse_definition, score
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.learning_models import MODEL_NAMES
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask_text, tell
from kbang_desktop.ui.shared.tables import Col, ListModel, table
from kbang_desktop.ui.shared.widgets import date_edit, message_label, picked
from kbang_desktop.ui.shared.words import DECISION_COLUMNS

ORGANISATION_KINDS = (("school", N_("Trường học")), ("office", N_("Cơ quan")), ("enterprise", N_("Doanh nghiệp")),
                      ("association", N_("Hội, đoàn thể")), ("other", N_("Khác")))
# What one subject of each kind is called in counts ("12 hộ gia đình").
SUBJECT_WORDS = {"household": N_("hộ gia đình"), "clan": N_("dòng họ"), "village": N_("thôn, làng"),
                 "organisation": N_("đơn vị"), "citizen": N_("người")}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One household, clan, village, organisation or person that may register for the year."""

    id: str
    name: str
    detail: str  # household number, year of birth, kind of organisation
    village: str
    registered: bool


def candidates(services: Any, commune_id: str, kind: str, year: int) -> list[Candidate]:
    """Who may register for `year` as `kind` in the commune, with whether they already did. Reads only."""
    done = {r.subject_id for r in services.models.registrations(year, kind) if r.status == "registered"}
    villages = {v.id: v.name for v in services.units.villages_of(commune_id)}
    found: list[Candidate] = []
    if kind == "household":
        names = {p.id: p.full_name for p in services.persons.list(services.units.get(commune_id).name)}
        for h in services.households.list(commune_id):
            head = names.get(h.head_person_id or "")
            name = head or _("Hộ số {number}").format(number=h.number or "?")
            found.append(Candidate(h.id, name, h.number, villages.get(h.village_id or "", ""), h.id in done))
    elif kind == "citizen":
        for p in services.persons.list(services.units.get(commune_id).name):
            if not p.status:
                found.append(Candidate(p.id, p.full_name, p.birth[:4], p.village, p.id in done))
        return found  # already in the Vietnamese order of names
    elif kind == "village":
        found = [Candidate(v, name, "", name, v in done) for v, name in villages.items()]
    elif kind == "clan":
        found = [Candidate(c.id, c.name, "", "", c.id in done) for c in services.clans.list(commune_id)]
    else:
        kinds = dict(ORGANISATION_KINDS)
        found = [Candidate(o.id, o.name, _(kinds.get(o.kind, N_("Khác"))), "", o.id in done)
                 for o in services.organisations.list(commune_id)]
    return sorted(found, key=lambda c: (fold(c.village), fold(c.name), c.detail))


class CandidateModel(ListModel):
    """The candidates; those already registered for the year are shown greyed and cannot be chosen."""

    def flags(self, index: Any) -> Qt.ItemFlag:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and row.registered:
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index)


class OrganisationDialog(Dialog):
    """A new organisation of the commune (school, office, enterprise...), to register it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, _("Thêm đơn vị"), width=50)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for code, word in ORGANISATION_KINDS:
            self.kind.addItem(_(word), code)
        self.form.addRow(_("Tên đơn vị"), self.name)
        self.form.addRow(_("Loại đơn vị"), self.kind)
        self.add_buttons()
        self.save_button.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.save_button.setEnabled(bool(text.strip())))


class RegisterDialog(Dialog):
    """Register for a year: choose the kind, then one or many from the list (a village's households,
    every person of a village...); those already registered are greyed. Clans and organisations that
    are not yet recorded are added here."""

    def __init__(self, area: "ModelsArea", kind: str, year: int) -> None:
        super().__init__(area, _("Đăng ký mô hình học tập năm {year}").format(year=year), form=False)
        self.area, self.year, self.commune_id = area, year, area.window_.office.unit_id
        self.all: list[Candidate] = []
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for code in MODEL_KINDS:
            self.kind.addItem(_(MODEL_NAMES[code]), code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.village = QComboBox()
        self.village.setObjectName("village")
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Tìm theo tên, không cần dấu"))
        self.registered_on = date_edit(area.services.ctx.today() if area.services.ctx.today().year == year
                                       else date(year, 1, 1), "registered_on")
        top.addRow(_("Mô hình"), self.kind)
        top.addRow(_("Thôn/Làng"), self.village)
        top.addRow(_("Tìm"), self.search)
        top.addRow(_("Ngày đăng ký"), self.registered_on)
        layout.addLayout(top)
        self.model = CandidateModel((Col(N_("Tên"), lambda c: c.name, width=30), Col(N_("Chi tiết"), lambda c: c.detail),
                                     Col(N_("Thôn/Làng"), lambda c: c.village, width=18),
                                     Col(N_("Năm nay"), lambda c: _("Đã đăng ký") if c.registered else "")), (), self)
        self.list = table(self.model, "register_candidates")
        self.list.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.list, 1)
        bar = QHBoxLayout()
        self.select_all = QPushButton(_("Chọn tất cả trong danh sách"))
        self.select_all.setObjectName("select_all")
        self.select_all.clicked.connect(lambda: self.list.selectAll())
        self.add_subject = QPushButton("")
        self.add_subject.setObjectName("add_subject")
        self.add_subject.clicked.connect(lambda: self.new_subject())
        self.count = QLabel("")
        self.count.setObjectName("count")
        self.count.setWordWrap(True)
        bar.addWidget(self.select_all)
        bar.addWidget(self.add_subject)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(self.count)
        self.add_buttons(_("Đăng ký"), layout=layout)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.village.currentIndexChanged.connect(lambda _i: self.show_rows())
        self.search.textChanged.connect(lambda _t: self.show_rows())
        self.list.selectionModel().selectionChanged.connect(lambda *_a: self.update_count())
        self.resize(760, 620)
        self.load()

    @property
    def chosen_kind(self) -> str:
        return str(self.kind.currentData())

    def load(self, select: str | None = None) -> None:
        """The candidates of the kind chosen, read in the background; `select`: an id to select once in."""
        kind, services, year, commune_id = self.chosen_kind, self.area.services, self.year, self.commune_id
        self.add_subject.setText(_("Thêm dòng họ...") if kind == "clan" else _("Thêm đơn vị..."))
        self.add_subject.setVisible(kind in ("clan", "organisation"))
        self.add_subject.setEnabled(self.area.can_write)
        self.village.setEnabled(kind in ("household", "citizen"))

        def fill(found: list[Candidate]) -> None:
            if kind != self.chosen_kind:
                return  # the user chose another kind meanwhile
            self.all = found
            current = self.village.currentText() if self.village.currentIndex() > 0 else None
            self.village.blockSignals(True)
            self.village.clear()
            self.village.addItem(_("Tất cả thôn, làng"), None)
            for name in sorted({c.village for c in found if c.village}, key=fold):
                self.village.addItem(name, name)
            if current and self.village.findData(current) >= 0:
                self.village.setCurrentIndex(self.village.findData(current))
            self.village.blockSignals(False)
            self.show_rows(select)

        self.area.tasks.run(lambda: candidates(services, commune_id, kind, year), fill)

    def show_rows(self, select: str | None = None) -> None:
        village, words = self.village.currentData(), fold(self.search.text())
        rows = [c for c in self.all if (village is None or c.village == village) and words in fold(c.name)]
        self.model.set_rows(rows)
        if select is not None:
            again = next((i for i, c in enumerate(rows) if c.id == select), None)
            if again is not None:
                self.list.selectRow(again)
        self.update_count()

    def chosen(self) -> list[Candidate]:
        rows = sorted(index.row() for index in self.list.selectionModel().selectedRows())
        return [c for c in (self.model.row_at(r) for r in rows) if c is not None and not c.registered]

    def update_count(self) -> None:
        shown = self.model.rows
        word = _(SUBJECT_WORDS[self.chosen_kind])
        already = sum(1 for c in shown if c.registered)
        text = _("Đã chọn {chosen} trong {shown} {what}; {already} đã đăng ký năm {year}.").format(
            chosen=format_number(len(self.chosen())), shown=format_number(len(shown)), what=word,
            already=format_number(already), year=self.year)
        if not self.all:
            text = {"clan": _("Xã chưa có dòng họ nào: bấm \"Thêm dòng họ...\"."),
                    "organisation": _("Xã chưa có đơn vị nào: bấm \"Thêm đơn vị...\"."),
                    "household": _("Xã chưa có hộ gia đình nào: thêm hộ ở mục \"Người dân và hộ gia đình\"."),
                    "citizen": _("Xã chưa có người dân nào: thêm người ở mục \"Người dân và hộ gia đình\" "
                                 "hoặc nhập từ Excel."),
                    "village": _("Xã chưa có thôn, làng nào.")}[self.chosen_kind]
        self.count.setText(text)
        if self.save_button is not None:
            self.save_button.setEnabled(bool(self.chosen()) and self.area.can_write)

    def new_subject(self) -> None:
        """Add a clan (its name) or an organisation (name and kind) of the commune, then select it."""
        services, commune = self.area.services, self.area.window_.office.unit_id
        if self.chosen_kind == "clan":
            name = ask_text(self, _("Thêm dòng họ"), _("Tên dòng họ (ví dụ: Dòng họ Đinh làng Kon Lốc):"), _("Thêm"))
            if name is None:
                return
            work = lambda: services.clans.add(services.units.get(commune).name, name)  # noqa: E731
        else:
            dialog = OrganisationDialog(self)
            if not dialog.confirmed():
                return
            name, kind = dialog.name.text().strip(), dialog.kind.currentData()
            work = lambda: services.organisations.add(services.units.get(commune).name, name, kind)  # noqa: E731
        self.area.tasks.run(work, lambda added: self.load(select=added.id))


def register_chosen(services: Any, year: int, kind: str, chosen: list[Candidate],
                    registered_on: date) -> tuple[list[Candidate], list[tuple[Candidate, str]]]:
    """Register each chosen one; those refused come back with the reason, the others are kept."""
    done, refused = [], []
    for candidate in chosen:
        try:
            services.models.register(year, kind, candidate.id, registered_on)
        except KbangError as error:
            refused.append((candidate, error.translated()))
        else:
            done.append(candidate)
    return done, refused


class EvaluationDialog(Dialog):
    """The criteria set as a checklist with points; total and result worked out as the user types."""

    def __init__(self, parent: QWidget, criteria: Any, name: str) -> None:
        super().__init__(parent, _("Đánh giá: {name}").format(name=name), form=False)
        self.definition = parse_definition(json.loads(criteria.definition))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{criteria.name}</b>"))
        if criteria.is_template:
            warning = QLabel(_("Bộ tiêu chí này là MẪU cần đối chiếu với tiêu chí chính thức hiện hành."))
            warning.setStyleSheet("color: #8a5a00")
            layout.addWidget(warning)
        body = QWidget()
        form = QFormLayout(body)
        self.points: dict[str, QDoubleSpinBox] = {}
        for criterion in self.definition.criteria:
            limit = _("tối đa {n} điểm").format(n=criterion.max_points)
            form.addRow(QLabel(f"<b>{criterion.code}. {criterion.title}</b> ({limit})"))
            for item in criterion.items:
                spin = QDoubleSpinBox()
                spin.setObjectName(f"item_{item.code}")
                spin.setDecimals(1)
                spin.setRange(0, float(item.max_points))
                spin.setSingleStep(0.5)
                spin.valueChanged.connect(self.update_total)
                label = QLabel(f"{item.code} {item.title}" + (" *" if item.required else ""))
                label.setWordWrap(True)
                form.addRow(label, spin)
                self.points[item.code] = spin
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.total = QLabel("")
        self.total.setObjectName("total")
        layout.addWidget(self.total)
        self.add_buttons(_("Lưu đánh giá"), layout=layout)
        self.resize(720, 640)
        self.update_total()

    def scores(self) -> dict[str, Decimal]:
        return {code: Decimal(str(spin.value())) for code, spin in self.points.items()}

    def update_total(self) -> None:
        result = score(self.definition, self.scores())
        verdict = _("Đạt") if result.passed else _("Không đạt")
        reasons = "; ".join(_(r) for r in result.reasons)
        self.total.setText(_("Tổng điểm: {total}/{maximum} - {verdict}").format(
            total=result.total, maximum=self.definition.max_total, verdict=verdict) + (f" ({reasons})" if reasons else ""))


class DecisionDialog(Dialog):
    def __init__(self, parent: QWidget, commune: str, kind: str, year: int) -> None:
        super().__init__(parent, _("Quyết định công nhận mới"))
        form = self.form
        self.number = QLineEdit()
        self.number.setObjectName("number")
        self.number.setPlaceholderText("15/QĐ-UBND")
        self.decided_on = date_edit(date.today(), "decided_on")
        self.signer = QLineEdit()
        self.signer.setObjectName("signer")
        self.title_ = QComboBox()
        self.title_.addItem(_("Chủ tịch"), "chairman")
        self.title_.addItem(_("Phó Chủ tịch"), "vice_chairman")
        self.commune = QLineEdit(commune)
        form.addRow(_("Số quyết định"), self.number)
        form.addRow(_("Ngày ký"), self.decided_on)
        form.addRow(_("Người ký"), self.signer)
        form.addRow(_("Chức vụ"), self.title_)
        form.addRow(_("Xã"), self.commune)
        form.addRow(_("Loại"), QLabel(_(MODEL_NAMES[kind]) + f" {year}"))
        self.add_buttons(_("Lưu dự thảo"))

    def values(self) -> dict[str, Any]:
        return {"commune": self.commune.text().strip(), "number": self.number.text().strip(),
                "decided_on": picked(self.decided_on), "signer_name": self.signer.text().strip(),
                "signer_title": self.title_.currentData()}


class ModelsArea(Area):
    title = N_("Mô hình học tập")
    columns = DECISION_COLUMNS

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Mô hình học tập") + "</h2>"))
        bar = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2010, 2100)
        self.year.setValue(self.services.ctx.today().year)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.register_button = QPushButton(_("Đăng ký..."))
        self.register_button.setObjectName("register")
        self.register_button.setToolTip(_("Đăng ký một hoặc nhiều hộ, dòng họ, thôn, đơn vị, người dân cho năm đã chọn"))
        self.register_button.clicked.connect(lambda: self.register())
        self.evaluate_button = QPushButton(_("Đánh giá..."))
        self.evaluate_button.setObjectName("evaluate")
        self.evaluate_button.clicked.connect(lambda: self.evaluate())
        bar.addWidget(QLabel(_("Năm")))
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.register_button)
        bar.addWidget(self.evaluate_button)
        layout.addLayout(bar)
        self.registrations = ListModel((Col(N_("Đăng ký"), lambda r: r[1], width=30),
                                        Col(N_("Loại"), lambda r: _(MODEL_NAMES[r[0].model_kind]), width=22),
                                        Col(N_("Ngày đăng ký"), lambda r: r[0].registered_on),
                                        Col(N_("Điểm"), lambda r: r[2].total if r[2] else "", True),
                                        Col(N_("Kết quả"), lambda r: (_("Đạt") if r[2].passed else _("Không đạt")) if r[2] else "")),
                                       (), self)
        self.registration_view = table(self.registrations, "registrations")
        layout.addWidget(self.registration_view, 2)
        decisions_bar = QHBoxLayout()
        self.new_button = QPushButton(_("Quyết định mới..."))
        self.new_button.setObjectName("new_decision")
        self.new_button.clicked.connect(lambda: self.new_decision())
        self.add_button = QPushButton(_("Đưa đăng ký đã chọn vào quyết định"))
        self.add_button.setObjectName("add_entry")
        self.add_button.clicked.connect(self.add_entry)
        self.issue_button = QPushButton(_("Ban hành"))
        self.issue_button.setObjectName("issue")
        self.issue_button.clicked.connect(self.issue)
        self.revoke_button = QPushButton(_("Thu hồi..."))
        self.revoke_button.setObjectName("revoke")
        self.revoke_button.clicked.connect(lambda: self.revoke())
        for button in (self.register_button, self.evaluate_button, self.new_button, self.add_button, self.issue_button):
            button.setEnabled(self.can_write)
        self.revoke_button.setEnabled(self.is_admin)
        decisions_bar.addWidget(QLabel("<b>" + _("Quyết định công nhận") + "</b>"))
        decisions_bar.addStretch(1)
        for button in (self.new_button, self.add_button, self.issue_button, self.revoke_button):
            decisions_bar.addWidget(button)
        layout.addLayout(decisions_bar)
        self.decisions = ListModel(DECISION_COLUMNS, (), self)
        self.decision_view = table(self.decisions, "decisions")
        layout.addWidget(self.decision_view, 1)
        self.message = message_label()
        layout.addWidget(self.message)

    def refresh(self) -> None:
        services, year = self.services, self.year.value()

        def load() -> tuple[Any, Any]:
            return services.models.registration_rows(year), services.models.decisions(year)

        def fill(found: tuple[Any, Any]) -> None:
            self.registrations.set_rows(found[0])
            self.decisions.set_rows(found[1])

        self.tasks.run(load, fill)

    def _selected(self, view: Any, model: Any) -> Any:
        rows = view.selectionModel().selectedRows()
        return model.row_at(rows[0].row()) if rows else None

    def register(self) -> None:
        """Register one or many of a kind for the year chosen above."""
        if not self.window_.office or not self.window_.office.unit_id:
            tell(self, _("Đăng ký"), _("Chỉ văn phòng của một xã mới đăng ký được mô hình học tập."))
            return
        row = self._selected(self.registration_view, self.registrations)
        year = self.year.value()
        dialog = RegisterDialog(self, row[0].model_kind if row else "household", year)
        if not dialog.confirmed():
            return
        kind, chosen, when, services = dialog.chosen_kind, dialog.chosen(), picked(dialog.registered_on), self.services

        def done(result: tuple[list[Candidate], list[tuple[Candidate, str]]]) -> None:
            registered, refused = result
            text = _("Đã đăng ký {n} {what} cho năm {year}.").format(
                n=format_number(len(registered)), what=_(SUBJECT_WORDS[kind]), year=year)
            if refused:
                text += " " + _("Không đăng ký được: {list}.").format(
                    list="; ".join(f"{c.name} ({reason})" for c, reason in refused))
            self.message.setText(text)
            self.refresh()

        self.tasks.run(lambda: register_chosen(services, year, kind, chosen, when), done, _("Đang đăng ký..."))

    def evaluate(self) -> None:
        row = self._selected(self.registration_view, self.registrations)
        if row is None:
            self.message.setText(_("Chọn một đăng ký để đánh giá."))
            return
        registration, name, _latest = row
        services, today = self.services, self.services.ctx.today()

        def opened(criteria: Any) -> None:
            dialog = EvaluationDialog(self, criteria, name)
            if not dialog.confirmed():
                return
            scores = dialog.scores()
            self.tasks.run(lambda: services.models.evaluate(registration.id, scores, today),
                           lambda evaluation: (self.message.setText(_("Đã lưu đánh giá: {total} điểm, {verdict}.").format(
                               total=evaluation.total, verdict=_("đạt") if evaluation.passed else _("không đạt"))),
                               self.refresh()))

        self.tasks.run(lambda: services.criteria.in_force(registration.model_kind, today), opened)

    def new_decision(self) -> None:
        row = self._selected(self.registration_view, self.registrations)
        kind = row[0].model_kind if row else "household"
        dialog = DecisionDialog(self, self.window_.office.name.replace("UBND xã ", "").split(" (")[0], kind,
                                self.year.value())
        if not dialog.confirmed():
            return
        values, services, year = dialog.values(), self.services, self.year.value()
        self.tasks.run(lambda: services.models.create_decision(values["commune"], values["number"], values["decided_on"],
                                                               kind, year, values["signer_name"], values["signer_title"]),
                       lambda d: (self.message.setText(_("Đã lưu dự thảo quyết định {number}.").format(number=d.number)),
                                  self.refresh()))

    def add_entry(self) -> None:
        row = self._selected(self.registration_view, self.registrations)
        decision = self._selected(self.decision_view, self.decisions)
        if row is None or decision is None:
            self.message.setText(_("Chọn một đăng ký đã đạt và một quyết định dự thảo."))
            return
        services = self.services
        self.tasks.run(lambda: services.models.add_entry(decision[0].id, row[0].id),
                       lambda _e: (self.message.setText(_("Đã đưa {name} vào quyết định {number}.").format(
                           name=row[1], number=decision[0].number)), self.refresh()))

    def issue(self) -> None:
        decision = self._selected(self.decision_view, self.decisions)
        if decision is None:
            return
        services = self.services
        self.tasks.run(lambda: services.models.issue(decision[0].id),
                       lambda d: (self.message.setText(_("Đã ban hành quyết định {number} ({n} được công nhận).").format(
                           number=d.number, n=format_number(decision[1]))), self.refresh()))

    def revoke(self) -> None:
        """Administrators revoke an issued decision, with the reason (its certificates then verify as revoked)."""
        decision = self._selected(self.decision_view, self.decisions)
        if decision is None:
            return
        reason = ask_text(self, _("Thu hồi quyết định"), _("Lý do thu hồi quyết định {number}:").format(
            number=decision[0].number), _("Thu hồi"))
        if reason is None:
            return
        services, today = self.services, self.services.ctx.today()
        self.tasks.run(lambda: services.models.revoke(decision[0].id, today, reason),
                       lambda d: (self.message.setText(_("Đã thu hồi quyết định {number}.").format(number=d.number)),
                                  self.refresh()))
