"""Mô hình học tập: registrations of a year (one or many at once from a list), evaluation on the criteria
checklist with the total and the result computed live, and decisions (draft, entries, issue, revoke)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.scoring import MODEL_KINDS, parse_definition, score
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.learning_models import DECISION_NUMBER, MODEL_NAMES, decision_number
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask, ask_text, tell
from kbang_desktop.ui.shared.tables import Col, ListModel, empty_hint, problems_table, table
from kbang_desktop.ui.shared.widgets import date_edit, file_name, message_label, picked
from kbang_desktop.ui.shared.words import DECISION_COLUMNS

ORGANISATION_KINDS = (("school", N_("Trường học")), ("office", N_("Cơ quan")), ("enterprise", N_("Doanh nghiệp")),
                      ("association", N_("Hội, đoàn thể")), ("other", N_("Khác")))
# What one subject of each kind is called in counts ("12 hộ gia đình").
SUBJECT_WORDS = {"household": N_("hộ gia đình"), "clan": N_("dòng họ"), "village": N_("thôn, làng"),
                 "organisation": N_("đơn vị"), "citizen": N_("người")}

# The second column of the list of candidates, per kind (none for villages and clans).
DETAIL_WORDS = {"household": N_("Số hộ"), "citizen": N_("Năm sinh"), "organisation": N_("Loại đơn vị")}


def template_warning(layout: QVBoxLayout, criteria: Any) -> None:
    """Under a form's heading: the criteria set is a template to check against the official criteria."""
    if criteria.is_template:
        warning = QLabel(_("Bộ tiêu chí này là MẪU cần đối chiếu với tiêu chí chính thức hiện hành."))
        warning.setObjectName("template_warning")
        warning.setStyleSheet("color: #8a5a00")
        warning.setWordWrap(True)
        layout.addWidget(warning)


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
        self.model = CandidateModel((Col(N_("Tên"), lambda c: c.name, width=30), Col(N_("Số hộ"), lambda c: c.detail),
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
        detail = DETAIL_WORDS.get(kind)
        self.list.setColumnHidden(1, detail is None)
        self.list.setColumnHidden(2, kind not in ("household", "citizen"))
        if detail is not None:
            self.model.columns[1] = Col(detail, lambda c: c.detail)
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)

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


# --- scores ------------------------------------------------------------------------

def points_text(value: Decimal | str | None) -> str:
    """Points the Vietnamese way: 99,5 (a comma, as the fields show them); "" for none."""
    if value is None or value == "":
        return ""
    return format_number(Decimal(str(value)))


def read_points(text: str, maximum: Decimal) -> tuple[Decimal | None, str]:
    """The points typed in a field (9,5 or 9.5; empty = 0) and what is wrong with them, if anything."""
    text = text.strip().replace(" ", "")
    if not text:
        return Decimal(0), ""
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, _("Không phải là số")
    if not value.is_finite() or value < 0:
        return None, _("Không phải là số")
    if value > maximum:
        return None, _("Tối đa {max} điểm").format(max=points_text(maximum))
    if value != value.quantize(Decimal("0.01")):
        return None, _("Ghi tối đa hai chữ số sau dấu phẩy")
    return value, ""


def explain(definition: Any, points: dict[str, Decimal]) -> list[str]:
    """Why a score does not pass, naming the criterion or the item (empty when it passes). The rule is
    core.scoring.score(); this says which part of it failed, in the user's words."""
    result = score(definition, points)
    if result.passed:
        return []
    reasons = []
    if result.total < definition.min_total:
        reasons.append(_("Tổng điểm {total} thấp hơn điểm đạt {min}.").format(
            total=points_text(result.total), min=points_text(definition.min_total)))
    for criterion in definition.criteria:
        got = result.per_criterion[criterion.code]
        if got < criterion.min_points:
            reasons.append(_("Tiêu chí {code} \"{title}\" được {points} điểm, dưới mức tối thiểu {min}.").format(
                code=criterion.code, title=criterion.title, points=points_text(got), min=points_text(criterion.min_points)))
        for item in criterion.items:
            if item.required and points.get(item.code, Decimal(0)) < item.max_points:
                reasons.append(_("Nội dung bắt buộc {code} \"{title}\" chưa đạt ({points}/{max} điểm).").format(
                    code=item.code, title=item.title, points=points_text(points.get(item.code, Decimal(0))),
                    max=points_text(item.max_points)))
    return reasons or [_(r) for r in result.reasons]


class EvaluationDialog(Dialog):
    """The criteria set as a checklist: each item's field with its maximum beside it, the points typed
    refused at once when they are not a number or above the maximum (Save waits), the total, the
    result and what fails (naming the item) worked out as the user types. Opens on the saved scores."""

    def __init__(self, parent: QWidget, criteria: Any, name: str, saved: dict[str, str] | None = None,
                 evaluated_on: date | None = None) -> None:
        super().__init__(parent, _("Đánh giá: {name}").format(name=name), form=False)
        self.definition = parse_definition(json.loads(criteria.definition))
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{name}</b><br>{criteria.name}")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        template_warning(layout, criteria)
        top = QFormLayout()
        self.evaluated_on = date_edit(evaluated_on or date.today(), "evaluated_on")
        self.self_assessment = QCheckBox(_("Đây là kết quả tự đánh giá"))
        self.self_assessment.setObjectName("self_assessment")
        top.addRow(_("Ngày đánh giá"), self.evaluated_on)
        top.addRow("", self.self_assessment)
        layout.addLayout(top)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(0, 1)
        self.points: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        self.subtotals: dict[str, QLabel] = {}
        saved = saved or {}
        row = 0
        for criterion in self.definition.criteria:
            title = QLabel(f"<b>{criterion.code}. {criterion.title}</b>")
            title.setWordWrap(True)
            grid.addWidget(title, row, 0)
            subtotal = QLabel("")
            subtotal.setObjectName(f"criterion_{criterion.code}")
            grid.addWidget(subtotal, row, 1, 1, 3)
            self.subtotals[criterion.code] = subtotal
            row += 1
            for item in criterion.items:
                label = QLabel(f"{item.code} {item.title}" + (" " + _("(bắt buộc đủ điểm)") if item.required else ""))
                label.setWordWrap(True)
                field = QLineEdit(points_text(saved.get(item.code)))
                field.setObjectName(f"item_{item.code}")
                field.setPlaceholderText("0")
                field.setMaximumWidth(field.fontMetrics().horizontalAdvance("0000000"))
                field.setAlignment(Qt.AlignmentFlag.AlignRight)
                field.textChanged.connect(lambda _t: self.update_total())
                label.setBuddy(field)
                limit = QLabel(_("/ {max} điểm").format(max=points_text(item.max_points)))
                problem = QLabel("")
                problem.setObjectName(f"problem_{item.code}")
                problem.setStyleSheet("color: #b00020")
                grid.addWidget(label, row, 0)
                grid.addWidget(field, row, 1)
                grid.addWidget(limit, row, 2)
                grid.addWidget(problem, row, 3)
                self.points[item.code] = field
                self.problems[item.code] = problem
                row += 1
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.total = QLabel("")
        self.total.setObjectName("total")
        layout.addWidget(self.total)
        self.reasons = QLabel("")
        self.reasons.setObjectName("reasons")
        self.reasons.setWordWrap(True)
        layout.addWidget(self.reasons)
        self.notes = QLineEdit()
        self.notes.setObjectName("notes")
        self.notes.setPlaceholderText(_("Ghi chú (không bắt buộc)"))
        layout.addWidget(self.notes)
        self.add_buttons(_("Lưu đánh giá"), layout=layout)
        self.resize(820, 680)
        self.update_total()

    def scores(self) -> dict[str, Decimal] | None:
        """The points of every item, or None while a field holds something that is not allowed."""
        items = self.definition.items()
        found: dict[str, Decimal] = {}
        for code, field in self.points.items():
            value, _problem = read_points(field.text(), items[code].max_points)
            if value is None:
                return None
            found[code] = value
        return found

    def update_total(self) -> None:
        items, bad = self.definition.items(), 0
        for code, field in self.points.items():
            _value, problem = read_points(field.text(), items[code].max_points)
            self.problems[code].setText(problem)
            bad += bool(problem)
        points = self.scores()
        if self.save_button is not None:
            self.save_button.setEnabled(points is not None)
        if points is None:
            for subtotal in self.subtotals.values():
                subtotal.setText("")
            self.total.setText(_("Có {n} ô điểm chưa đúng: sửa các ô ghi màu đỏ.").format(n=bad))
            self.reasons.setText("")
            return
        result = score(self.definition, points)
        for criterion in self.definition.criteria:
            self.subtotals[criterion.code].setText(_("{points}/{max} điểm (tối thiểu {min})").format(
                points=points_text(result.per_criterion[criterion.code]), max=points_text(criterion.max_points),
                min=points_text(criterion.min_points)))
        verdict = _("Đạt") if result.passed else _("Không đạt")
        self.total.setText("<b>" + _("Tổng điểm: {total}/{maximum} - {verdict}").format(
            total=points_text(result.total), maximum=points_text(self.definition.max_total), verdict=verdict)
            + "</b> " + _("(điểm đạt: {min})").format(min=points_text(self.definition.min_total)))
        self.reasons.setText("\n".join(explain(self.definition, points)))


# --- many citizens at once: the grid and the spreadsheet of self-assessment scores ------------------

@dataclass
class GridRow:
    """One registered citizen in the grid: who, the scores as saved and as typed now (texts, "" = 0)."""

    registration_id: str
    name: str
    birth: str
    village: str
    saved: dict[str, str]
    typed: dict[str, str]

    @property
    def changed(self) -> bool:
        return self.typed != self.saved


def citizen_grid(services: Any, commune_id: str, year: int) -> list[GridRow]:
    """The citizens registered for `year` with their latest saved scores, as texts the grid shows. Reads only."""
    births = {p.id: p.birth[:4] for p in services.persons.list(services.units.get(commune_id).name)}
    rows = []
    for row in services.models.rows(year, "citizen"):
        if row.registration.status != "registered":
            continue
        saved = json.loads(row.evaluation.scores) if row.evaluation else {}
        texts = {code: points_text(value) for code, value in saved.items()}
        rows.append(GridRow(row.registration.id, row.name, births.get(row.registration.subject_id, ""), row.village,
                            texts, dict(texts)))
    return sorted(rows, key=lambda r: (fold(r.village), fold(r.name)))


GRID_FIXED = (N_("Họ và tên"), N_("Năm sinh"), N_("Thôn/Làng"))


class ScoreGridModel(QAbstractTableModel):
    """One row per citizen, one editable column per indicator (its maximum in the header, its text in the
    tooltip), then the total and the result worked out by core.scoring as the user types. A cell holding
    what is not allowed (above the maximum, negative, not a number) keeps what was typed, shown in red
    with the reason in its tooltip; Save waits until it is put right."""

    def __init__(self, definition: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.definition = definition
        self.items = list(definition.items().values())
        self.rows: list[GridRow] = []

    def set_rows(self, rows: list[GridRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(GRID_FIXED) + len(self.items) + 2

    def item_at(self, column: int) -> Any:
        at = column - len(GRID_FIXED)
        return self.items[at] if 0 <= at < len(self.items) else None

    def problem(self, row: GridRow, item: Any) -> str:
        return read_points(row.typed.get(item.code, ""), item.max_points)[1]

    def points(self, row: GridRow) -> dict[str, Decimal] | None:
        """The points of every indicator of a row, or None while a cell of it is not allowed."""
        found = {}
        for item in self.items:
            value, _problem = read_points(row.typed.get(item.code, ""), item.max_points)
            if value is None:
                return None
            found[item.code] = value
        return found

    def problems(self) -> list[tuple[GridRow, Any, str]]:
        return [(row, item, problem) for row in self.rows for item in self.items
                if (problem := self.problem(row, item))]

    def result(self, row: GridRow) -> tuple[str, str, str]:
        """The total, the verdict and why it fails (texts), as core.scoring.score() decides."""
        points = self.points(row)
        if points is None:
            return "", _("Có ô chưa đúng"), ""
        if not any(row.typed.values()) and not row.saved:
            return "", _("Chưa chấm"), ""
        result = score(self.definition, points)
        return (points_text(result.total), _("Đạt") if result.passed else _("Không đạt"),
                " ".join(explain(self.definition, points)))

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        item = self.item_at(column)
        if item is not None:
            text = row.typed.get(item.code, "")
            problem = self.problem(row, item)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return text
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole:
                return problem or f"{item.code}. {item.title}"
            if role == Qt.ItemDataRole.BackgroundRole and problem:
                return QColor("#f8d7da")
            if role == Qt.ItemDataRole.ForegroundRole and text != row.saved.get(item.code, ""):
                return QColor("#0b5394")  # changed, not yet saved
            return None
        fixed = (row.name, row.birth, row.village)
        if column < len(GRID_FIXED):
            return fixed[column] if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
        total, verdict, why = self.result(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return total if column == self.columnCount() - 2 else verdict
        if role == Qt.ItemDataRole.ToolTipRole and column == self.columnCount() - 1:
            return why or verdict
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.columnCount() - 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Any) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.item_at(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Any, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item_at(index.column()) if index.isValid() else None
        if item is None or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        text = str(value if value is not None else "").strip()
        if text:
            row.typed[item.code] = text
        else:
            row.typed.pop(item.code, None)
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), last))
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        item = self.item_at(section)
        if item is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{item.code}\n/{points_text(item.max_points)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("{code}. {title} (tối đa {max} điểm)").format(code=item.code, title=item.title,
                                                                       max=points_text(item.max_points))
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(GRID_FIXED):
            return _(GRID_FIXED[section])
        return _("Tổng") if section == self.columnCount() - 2 else _("Kết quả")


class PointsDelegate(QStyledItemDelegate):
    """The editor of an indicator's cell: what is typed is checked at each key (red, with the reason shown
    and Save waiting), not only once the cell is left."""

    def __init__(self, dialog: "ScoreGridDialog") -> None:
        super().__init__(dialog.view)
        self.dialog = dialog

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        editor = super().createEditor(parent, option, index)
        item = self.dialog.model.item_at(index.column())
        row = self.dialog.model.rows[index.row()] if 0 <= index.row() < len(self.dialog.model.rows) else None
        if isinstance(editor, QLineEdit) and item is not None and row is not None:
            editor.setObjectName("points_editor")
            editor.textEdited.connect(lambda text: self.dialog.typing(editor, row, item, text))
        return editor


class ScoreGridDialog(Dialog):
    """Chấm điểm công dân theo bảng: every citizen registered for the year, filterable by village, one
    column per indicator, prefilled with the saved scores; Save evaluates every changed row at once."""

    def __init__(self, parent: QWidget, criteria: Any, rows: list[GridRow], year: int, evaluated_on: date) -> None:
        super().__init__(parent, _("Chấm điểm công dân học tập năm {year}").format(year=year), form=False)
        self.definition = parse_definition(json.loads(criteria.definition))
        self.all = rows
        layout = QVBoxLayout(self)
        heading = QLabel(criteria.name)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        template_warning(layout, criteria)
        top = QHBoxLayout()
        self.village = QComboBox()
        self.village.setObjectName("village")
        self.village.addItem(_("Tất cả thôn, làng"), None)
        for name in sorted({r.village for r in rows if r.village}, key=fold):
            self.village.addItem(name, name)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Tìm theo tên, không cần dấu"))
        self.evaluated_on = date_edit(evaluated_on, "evaluated_on")
        self.self_assessment = QCheckBox(_("Đây là kết quả tự đánh giá"))
        self.self_assessment.setObjectName("self_assessment")
        top.addWidget(QLabel(_("Thôn/Làng")))
        top.addWidget(self.village)
        top.addWidget(self.search, 1)
        top.addWidget(QLabel(_("Ngày đánh giá")))
        top.addWidget(self.evaluated_on)
        top.addWidget(self.self_assessment)
        layout.addLayout(top)
        note = QLabel(_("Gõ điểm vào từng ô (ví dụ 9,5); ô để trống là 0 điểm. Đạt khi tổng từ {min} điểm "
                        "và không chỉ số nào dưới mức tối thiểu.").format(min=points_text(self.definition.min_total)))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.model = ScoreGridModel(self.definition, self)
        self.view = QTableView()
        self.view.setObjectName("score_grid")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QTableView.EditTrigger.DoubleClicked | QTableView.EditTrigger.EditKeyPressed
                                  | QTableView.EditTrigger.AnyKeyPressed | QTableView.EditTrigger.SelectedClicked)
        self.view.setItemDelegate(PointsDelegate(self))
        header = self.view.horizontalHeader()
        char = self.view.fontMetrics().horizontalAdvance("n")
        header.resizeSection(0, 26 * char)
        header.resizeSection(2, 16 * char)
        for column in range(len(GRID_FIXED), len(GRID_FIXED) + len(self.model.items) + 1):
            header.resizeSection(column, 6 * char)
        header.setStretchLastSection(True)
        layout.addWidget(self.view, 1)
        self.problem = QLabel("")
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.count = QLabel("")
        self.count.setObjectName("count")
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        self.add_buttons(_("Lưu điểm"), layout=layout)
        self.model.dataChanged.connect(lambda *_a: self.update_state())
        self.village.currentIndexChanged.connect(lambda _i: self.show_rows())
        self.search.textChanged.connect(lambda _t: self.show_rows())
        self.resize(1180, 680)
        self.show_rows()

    def keyPressEvent(self, event: Any) -> None:
        """Enter ends the typing of a cell; it never saves the whole grid (only the Save button does)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def show_rows(self) -> None:
        village, words = self.village.currentData(), fold(self.search.text())
        self.model.set_rows([r for r in self.all if (village is None or r.village == village) and words in fold(r.name)])
        self.update_state()

    def changed(self) -> list[GridRow]:
        """Every row changed since it was opened, shown or not (another village's rows are kept)."""
        return [r for r in self.all if r.changed]

    def bad(self) -> list[tuple[GridRow, Any, str]]:
        return [(row, item, problem) for row in self.changed() for item in self.model.items
                if (problem := self.model.problem(row, item))]

    def update_state(self) -> None:
        bad, changed = self.bad(), self.changed()
        self.problem.setText("\n".join(_("{name}, {code}: {problem}").format(name=row.name, code=item.code,
                                                                            problem=problem)
                                       for row, item, problem in bad[:5])
                             + ("\n" + _("... và {n} ô khác.").format(n=len(bad) - 5) if len(bad) > 5 else ""))
        self.count.setText(_("{shown} người trong bảng; {changed} người có điểm mới chưa lưu.").format(
            shown=format_number(self.model.rowCount()), changed=format_number(len(changed))))
        if self.save_button is not None:
            self.save_button.setEnabled(bool(changed) and not bad)

    def typing(self, editor: QLineEdit, row: GridRow, item: Any, text: str) -> None:
        """A cell being typed: refused at once when it is not allowed (the cell red, the reason said)."""
        problem = read_points(text, item.max_points)[1]
        editor.setStyleSheet("background: #f8d7da" if problem else "")
        editor.setToolTip(problem)
        if not problem:
            self.update_state()
            return
        self.problem.setText(_("{name}, {code}: {problem}").format(name=row.name, code=item.code, problem=problem))
        if self.save_button is not None:
            self.save_button.setEnabled(False)

    def scores(self) -> dict[str, dict[str, Decimal]]:
        """{registration id: {indicator: points}} of every changed row (all of them allowed)."""
        found = {}
        for row in self.changed():
            points = self.model.points(row)
            if points is not None:
                found[row.registration_id] = points
        return found


NAME_HEADERS = ("họ và tên", "họ tên", "tên", "name", "full name")


class ScoreImportDialog(Dialog):
    """What a spreadsheet of self-assessment scores would write, checked before anything is saved: the rows
    ready, every problem by row and column; "Nhập" writes, with the rows that have errors left out only
    when the user chooses so."""

    def __init__(self, area: "ModelsArea", path: Path, rows: list[Any], year: int, evaluated_on: date) -> None:
        super().__init__(area, _("Nhập điểm tự đánh giá năm {year}").format(year=year), form=False)
        self.area, self.path, self.rows, self.year = area, path, rows, year
        self.checked: Any = None
        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow(_("Tệp"), QLabel(str(path)))
        self.evaluated_on = date_edit(evaluated_on, "evaluated_on")
        top.addRow(_("Ngày đánh giá"), self.evaluated_on)
        layout.addLayout(top)
        self.summary = QLabel(_("Đang kiểm tra tệp..."))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problems, self.problem_view = problems_table("score_import_problems", self)
        layout.addWidget(QLabel("<b>" + _("Các dòng có lỗi") + "</b>"))
        layout.addWidget(self.problem_view, 1)
        names = {row.number: str(value).strip() for row in rows for header, value in row.cells.items()
                 if str(header).strip().lower() in NAME_HEADERS and value}  # as the file writes them
        self.ready = ListModel((Col(N_("Dòng"), lambda r: r.row, True),
                                Col(N_("Người"), lambda r: names.get(r.row) or r.subject, width=28),
                                Col(N_("Tổng"), lambda r: points_text(r.total), True),
                                Col(N_("Kết quả"), lambda r: _("Đạt") if r.passed else _("Không đạt"))), (), self)
        self.ready_view = table(self.ready, "score_import_ready")
        layout.addWidget(QLabel("<b>" + _("Các dòng sẽ được nhập") + "</b>"))
        layout.addWidget(self.ready_view, 1)
        self.skip = QCheckBox(_("Bỏ qua dòng có lỗi, chỉ nhập các dòng đúng"))
        self.skip.setObjectName("skip_invalid")
        self.skip.toggled.connect(lambda _on: self.update_save())
        line = QHBoxLayout()
        line.addWidget(self.skip)
        line.addStretch(1)
        layout.addLayout(line)
        self.add_buttons(_("Nhập"), layout=layout)
        self.evaluated_on.dateChanged.connect(lambda _d: self.check())
        self.resize(760, 640)
        self.check()

    def check(self) -> None:
        """A dry run of the whole file on the date chosen: nothing is written."""
        services, rows, year, on = self.area.services, self.rows, self.year, picked(self.evaluated_on)
        self.checked = None
        self.update_save()

        def show(outcome: Any) -> None:
            if on != picked(self.evaluated_on):
                return  # another date was chosen meanwhile
            self.checked = outcome
            self.problems.show(outcome.errors)
            self.ready.set_rows(list(outcome.ready))
            bad = len({p.row for p in outcome.errors})
            self.summary.setText(_("{rows} dòng: {ready} dòng sẽ được nhập ({passed} đạt), {bad} dòng có lỗi. "
                                   "Chưa có gì được lưu trước khi bấm \"Nhập\".").format(
                rows=format_number(outcome.rows), ready=format_number(outcome.evaluated),
                passed=format_number(outcome.passed), bad=format_number(bad)))
            self.update_save()

        self.area.tasks.run(lambda: services.score_import.import_scores(year, rows, on, "citizen", dry_run=True,
                                                                        skip_invalid=True), show)

    def update_save(self) -> None:
        outcome = self.checked
        ready = outcome is not None and outcome.evaluated > 0 and (not outcome.errors or self.skip.isChecked())
        if self.save_button is not None:
            self.save_button.setEnabled(bool(ready) and self.area.can_write)


# --- the registrations of a year --------------------------------------------------------

class RegistrationModel(ListModel):
    """The registrations; a cell cut short (a long reason) is read whole in its tooltip."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


class Row(NamedTuple):
    """A registration as the list shows it: the subject's name, the latest evaluation, why it failed."""

    registration: Any
    name: str
    latest: Any  # E.Evaluation | None
    reasons: tuple[str, ...]


def registration_list(services: Any, year: int) -> list[Row]:
    """The registrations of `year`, each with why its latest evaluation failed (naming the item). Reads only."""
    definitions: dict[str, Any] = {}
    rows = []
    for registration, name, latest in services.models.registration_rows(year):
        reasons: tuple[str, ...] = ()
        if latest is not None and not latest.passed:
            if latest.criteria_set_id not in definitions:
                found = next((c for c in services.criteria.list(registration.model_kind)
                              if c.id == latest.criteria_set_id), None)
                definitions[latest.criteria_set_id] = parse_definition(json.loads(found.definition)) if found else None
            definition = definitions[latest.criteria_set_id]
            if definition is not None:
                saved = {k: Decimal(v) for k, v in json.loads(latest.scores).items()}
                reasons = tuple(explain(definition, saved))
        rows.append(Row(registration, name, latest, reasons))
    return rows


def result_text(row: Row) -> str:
    if row.latest is None:
        return _("Chưa đánh giá")
    if row.latest.passed:
        return _("Đạt")
    return _("Không đạt") + (": " + " ".join(row.reasons) if row.reasons else "")


class DecisionDialog(Dialog):
    def __init__(self, parent: QWidget, commune: str, kind: str, year: int, today: date | None = None) -> None:
        super().__init__(parent, _("Quyết định công nhận mới"), width=50)
        form = self.form
        self.number = QLineEdit()
        self.number.setObjectName("number")
        self.number.setPlaceholderText("15/QĐ-UBND")
        self.decided_on = date_edit(today or date.today(), "decided_on")
        self.signer = QLineEdit()
        self.signer.setObjectName("signer")
        self.title_ = QComboBox()
        self.title_.setObjectName("signer_title")
        self.title_.addItem(_("Chủ tịch"), "chairman")
        self.title_.addItem(_("Phó Chủ tịch"), "vice_chairman")
        self.commune = QLineEdit(commune)
        self.commune.setObjectName("commune")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for code in MODEL_KINDS:
            self.kind.addItem(_(MODEL_NAMES[code]), code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        form.addRow(_("Công nhận danh hiệu"), self.kind)
        form.addRow(_("Năm"), QLabel(str(year)))
        form.addRow(_("Số quyết định"), self.number)
        form.addRow(_("Ngày ký"), self.decided_on)
        form.addRow(_("Người ký"), self.signer)
        form.addRow(_("Chức vụ"), self.title_)
        form.addRow(_("Xã"), self.commune)
        self.add_buttons(_("Lưu dự thảo"))

    def problem_text(self) -> str:
        number = decision_number(self.number.text().strip())
        if not DECISION_NUMBER.match(number):
            return _("Số quyết định \"{number}\" không đúng dạng (ví dụ 15/QĐ-UBND).").format(number=number)
        if not self.commune.text().strip():
            return _("Chưa nhập tên xã.")
        return ""

    def values(self) -> dict[str, Any]:
        return {"commune": self.commune.text().strip(), "number": self.number.text().strip(),
                "decided_on": picked(self.decided_on), "signer_name": self.signer.text().strip(),
                "signer_title": self.title_.currentData(), "kind": self.kind.currentData()}


def add_chosen(services: Any, decision_id: str, rows: list[Row]) -> tuple[list[Row], list[tuple[Row, str]]]:
    """Put each chosen registration into the draft decision; those refused come back with the reason."""
    done, refused = [], []
    for row in rows:
        try:
            services.models.add_entry(decision_id, row.registration.id)
        except KbangError as error:
            refused.append((row, error.translated()))
        else:
            done.append(row)
    return done, refused


def decision_text(decision: Any) -> str:
    return _("{number} ({model} {year})").format(number=decision.number, model=_(MODEL_NAMES[decision.kind]),
                                                 year=decision.year)


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
        self.kind = QComboBox()
        self.kind.setObjectName("kind_filter")
        self.kind.addItem(_("Mọi mô hình"), None)
        for code in MODEL_KINDS:
            self.kind.addItem(_(MODEL_NAMES[code]), code)
        self.kind.currentIndexChanged.connect(lambda _i: self.show_registrations())
        self.shown = QComboBox()
        self.shown.setObjectName("result_filter")
        for text, code in ((_("Mọi kết quả"), None), (_("Đạt"), "passed"), (_("Không đạt"), "failed"),
                           (_("Chưa đánh giá"), "none")):
            self.shown.addItem(text, code)
        self.shown.currentIndexChanged.connect(lambda _i: self.show_registrations())
        self.register_button = QPushButton(_("Đăng ký..."))
        self.register_button.setObjectName("register")
        self.register_button.setToolTip(_("Đăng ký một hoặc nhiều hộ, dòng họ, thôn, đơn vị, người dân cho năm đã chọn"))
        self.register_button.clicked.connect(lambda: self.register())
        self.evaluate_button = QPushButton(_("Đánh giá..."))
        self.evaluate_button.setObjectName("evaluate")
        self.evaluate_button.clicked.connect(lambda: self.evaluate())
        bar.addWidget(QLabel(_("Năm")))
        bar.addWidget(self.year)
        bar.addWidget(self.kind)
        bar.addWidget(self.shown)
        bar.addStretch(1)
        bar.addWidget(self.register_button)
        bar.addWidget(self.evaluate_button)
        self.grid_button = QPushButton(_("Chấm điểm công dân theo bảng..."))
        self.grid_button.setObjectName("score_grid")
        self.grid_button.setToolTip(_("Chấm điểm mọi công dân đã đăng ký năm đã chọn trong một bảng: mỗi người một "
                                      "dòng, mỗi chỉ số một cột"))
        self.grid_button.clicked.connect(lambda: self.score_grid())
        self.import_button = QPushButton(_("Nhập điểm tự đánh giá từ Excel..."))
        self.import_button.setObjectName("import_scores")
        self.import_button.setToolTip(_("Nhập điểm tự đánh giá của nhiều công dân từ tệp .xlsx: cột Mã người (hoặc "
                                        "Mã đăng ký) và một cột cho mỗi chỉ số CS1 ... CS10; kiểm tra trước khi lưu"))
        self.import_button.clicked.connect(lambda: self.import_scores())
        tools = QHBoxLayout()  # a second row: at 1366 pixels wide every button is on screen
        tools.addStretch(1)
        tools.addWidget(self.grid_button)
        tools.addWidget(self.import_button)
        self.criteria_button = QPushButton(_("Bộ tiêu chí mới..."))
        self.criteria_button.setObjectName("new_criteria")
        at_hub = bool(self.window_.office) and self.window_.office.kind == "hub"
        self.criteria_button.setToolTip(
            _("Thay bộ tiêu chí của một mô hình từ một ngày: phiên bản mới (quản trị viên)") if at_hub else
            _("Bộ tiêu chí do đơn vị đầu mối ban hành và gửi về xã trong gói dữ liệu; xã không tự sửa."))
        self.criteria_button.setEnabled(self.is_admin and at_hub)
        self.criteria_button.clicked.connect(lambda: self.new_criteria())
        tools.addWidget(self.criteria_button)
        layout.addLayout(bar)
        layout.addLayout(tools)
        self.all_rows: list[Row] = []
        self.registrations = RegistrationModel((Col(N_("Đăng ký"), lambda r: r.name, width=30),
                                        Col(N_("Loại"), lambda r: _(MODEL_NAMES[r.registration.model_kind]), width=22),
                                        Col(N_("Ngày đăng ký"), lambda r: r.registration.registered_on),
                                        Col(N_("Điểm"), lambda r: points_text(r.latest.total) if r.latest else "", True),
                                        Col(N_("Kết quả"), result_text)), (), self)
        self.registration_view = table(self.registrations, "registrations")
        self.registration_view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.registration_view.doubleClicked.connect(lambda _i: self.evaluate())
        self.registration_view.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        layout.addWidget(self.registration_view, 3)
        self.counts = QLabel("")
        self.counts.setObjectName("counts")
        layout.addWidget(self.counts)
        papers_bar = QHBoxLayout()
        papers_bar.addWidget(QLabel("<b>" + _("Giấy tờ của năm") + "</b>"))
        papers_bar.addStretch(1)
        self.paper_buttons: dict[str, QPushButton] = {}
        for paper in PAPERS:
            button = QPushButton(_(PAPER_WORDS[paper][0]) + "...")
            button.setObjectName(f"paper_{paper}")
            button.setToolTip(_(PAPER_WORDS[paper][1]))
            button.clicked.connect(lambda _checked=False, paper=paper: self.paper(paper))
            papers_bar.addWidget(button)
            self.paper_buttons[paper] = button
        layout.addLayout(papers_bar)
        decisions_bar = QHBoxLayout()
        self.new_button = QPushButton(_("Quyết định mới..."))
        self.new_button.setObjectName("new_decision")
        self.new_button.clicked.connect(lambda: self.new_decision())
        self.add_button = QPushButton(_("Đưa các đăng ký đã chọn vào quyết định"))
        self.add_button.setObjectName("add_entry")
        self.add_button.clicked.connect(lambda: self.add_entries())
        self.issue_button = QPushButton(_("Ban hành..."))
        self.issue_button.setObjectName("issue")
        self.issue_button.clicked.connect(lambda: self.issue())
        self.revoke_button = QPushButton(_("Thu hồi..."))
        self.revoke_button.setObjectName("revoke")
        self.revoke_button.clicked.connect(lambda: self.revoke())
        decisions_bar.addWidget(QLabel("<b>" + _("Quyết định công nhận") + "</b>"))
        decisions_bar.addStretch(1)
        for button in (self.new_button, self.add_button, self.issue_button, self.revoke_button):
            decisions_bar.addWidget(button)
        layout.addLayout(decisions_bar)
        split = QSplitter()
        self.decisions = ListModel(DECISION_COLUMNS, (), self)
        self.decision_view = table(self.decisions, "decisions")
        self.decision_hint = empty_hint(self.decision_view, lambda: _(
            "Chưa có quyết định nào cho năm {year}. Khi đã có đăng ký đạt, bấm “Quyết định mới...” để lập dự "
            "thảo.").format(year=self.year.value()))
        self.decision_view.selectionModel().selectionChanged.connect(lambda *_a: self.show_entries())
        split.addWidget(self.decision_view)
        right = QWidget()
        entries_layout = QVBoxLayout(right)
        entries_layout.setContentsMargins(0, 0, 0, 0)
        self.entries_title = QLabel(_("Chọn một quyết định để xem danh sách được công nhận."))
        self.entries_title.setObjectName("entries_title")
        self.entries_title.setWordWrap(True)
        entries_layout.addWidget(self.entries_title)
        self.entries = ListModel((Col(N_("TT"), lambda e: e.position, True), Col(N_("Được công nhận"), lambda e: e.display_name)),
                                 (), self)
        self.entry_view = table(self.entries, "decision_entries")
        self.entry_hint = empty_hint(self.entry_view, lambda: _(
            "Chưa có ai trong quyết định này. Chọn các đăng ký đã đạt ở danh sách trên rồi bấm “Đưa các đăng ký "
            "đã chọn vào quyết định”.") if self.decision() is not None and self.decision().status == "draft" else "")
        self.entry_view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.entry_view.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        entries_layout.addWidget(self.entry_view)
        split.addWidget(right)
        split.setSizes([600, 400])
        layout.addWidget(split, 2)
        self.message = message_label()
        layout.addWidget(self.message)
        self.update_buttons()

    # --- loading -------------------------------------------------------------------

    def refresh(self) -> None:
        services, year = self.services, self.year.value()

        def load() -> tuple[list[Row], Any]:
            return registration_list(services, year), services.models.decisions(year)

        def fill(found: tuple[list[Row], Any]) -> None:
            if year != self.year.value():
                return  # another year was chosen meanwhile
            self.all_rows = found[0]
            self.show_registrations()
            chosen = self.decision()
            self.decisions.set_rows(found[1])
            again = next((i for i, d in enumerate(found[1]) if chosen and d[0].id == chosen.id), None)
            if again is not None:
                self.decision_view.selectRow(again)
            else:
                self.show_entries()
            self.update_buttons()

        self.tasks.run(load, fill)

    def show_registrations(self) -> None:
        kind, shown = self.kind.currentData(), self.shown.currentData()
        keep = {r.registration.id for r in self.chosen_rows()}
        rows = [r for r in self.all_rows if (kind is None or r.registration.model_kind == kind) and (
            shown is None or (shown == "none" and r.latest is None)
            or (r.latest is not None and shown == ("passed" if r.latest.passed else "failed")))]
        self.registrations.set_rows(rows)
        selection = self.registration_view.selectionModel()
        for i, row in enumerate(rows):
            if row.registration.id in keep:
                selection.select(self.registrations.index(i, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        passed = sum(1 for r in rows if r.latest is not None and r.latest.passed)
        failed = sum(1 for r in rows if r.latest is not None and not r.latest.passed)
        self.counts.setText(_("{n} đăng ký: {passed} đạt, {failed} không đạt, {none} chưa đánh giá.").format(
            n=format_number(len(rows)), passed=format_number(passed), failed=format_number(failed),
            none=format_number(len(rows) - passed - failed)) if self.all_rows else
            _("Chưa có đăng ký nào cho năm {year}: bấm \"Đăng ký...\" để đăng ký hộ, dòng họ, thôn, đơn vị "
              "hoặc người dân.").format(year=self.year.value()))

    def show_entries(self) -> None:
        decision = self.decision()
        if decision is None:
            self.entries.set_rows([])
            self.entries_title.setText(_("Chọn một quyết định để xem danh sách được công nhận."))
            self.update_buttons()
            return
        services = self.services

        def fill(entries: list[Any]) -> None:
            if self.decision() is None or self.decision().id != decision.id:
                return
            self.entries.set_rows(entries)
            self.entries_title.setText("<b>" + _("Danh sách kèm theo quyết định {decision}").format(
                decision=decision_text(decision)) + "</b><br>" + _("{n} {what} được công nhận").format(
                n=format_number(len(entries)), what=_(SUBJECT_WORDS[decision.kind])))
            self.update_buttons()

        self.tasks.run(lambda: services.models.entries(decision.id), fill)

    # --- what is chosen ----------------------------------------------------------------

    def chosen_rows(self) -> list[Row]:
        indexes = sorted(i.row() for i in self.registration_view.selectionModel().selectedRows())
        return [r for r in (self.registrations.row_at(i) for i in indexes) if r is not None]

    def decision(self) -> Any:
        rows = self.decision_view.selectionModel().selectedRows()
        found = self.decisions.row_at(rows[0].row()) if rows else None
        return found[0] if found else None

    def update_buttons(self) -> None:
        decision, chosen, write = self.decision(), self.chosen_rows(), self.can_write
        draft = decision is not None and decision.status == "draft"
        self.register_button.setEnabled(write)
        self.evaluate_button.setEnabled(write and len(chosen) == 1)
        self.grid_button.setEnabled(write)
        self.import_button.setEnabled(write)
        self.new_button.setEnabled(write)
        self.add_button.setEnabled(write and draft and bool(chosen))
        self.issue_button.setEnabled(write and draft)
        self.revoke_button.setEnabled(self.is_admin and decision is not None and decision.status == "issued")

    # --- registration and evaluation ------------------------------------------------------

    def register(self) -> None:
        """Register one or many of a kind for the year chosen above."""
        if not self.window_.office or not self.window_.office.unit_id:
            tell(self, _("Đăng ký"), _("Chỉ văn phòng của một xã mới đăng ký được mô hình học tập."))
            return
        chosen = self.chosen_rows()
        year = self.year.value()
        kind = self.kind.currentData() or (chosen[0].registration.model_kind if chosen else "household")
        dialog = RegisterDialog(self, kind, year)
        if not dialog.confirmed():
            return
        kind, picked_ones, when, services = dialog.chosen_kind, dialog.chosen(), picked(dialog.registered_on), self.services

        def done(result: tuple[list[Candidate], list[tuple[Candidate, str]]]) -> None:
            registered, refused = result
            text = _("Đã đăng ký {n} {what} cho năm {year}.").format(
                n=format_number(len(registered)), what=_(SUBJECT_WORDS[kind]), year=year)
            if refused:
                text += " " + _("Không đăng ký được: {list}.").format(
                    list="; ".join(f"{c.name} ({reason})" for c, reason in refused))
            self.message.setText(text)
            self.refresh()

        self.tasks.run(lambda: register_chosen(services, year, kind, picked_ones, when), done, _("Đang đăng ký..."))

    def evaluate(self) -> None:
        chosen = self.chosen_rows()
        if len(chosen) != 1:
            self.message.setText(_("Chọn một đăng ký để đánh giá."))
            return
        row = chosen[0]
        services, today = self.services, self.services.ctx.today()
        when = row.latest.evaluated_on if row.latest else today
        saved = json.loads(row.latest.scores) if row.latest else {}

        def opened(criteria: Any) -> None:
            dialog = EvaluationDialog(self, criteria, row.name, saved, when)
            if not dialog.confirmed():
                return
            scores, on = dialog.scores(), picked(dialog.evaluated_on)
            own, notes = dialog.self_assessment.isChecked(), dialog.notes.text().strip()
            self.tasks.run(lambda: services.models.evaluate(row.registration.id, scores, on, own, notes),
                           lambda evaluation: (self.message.setText(_("Đã lưu đánh giá của {name}: {total} điểm, {verdict}.").format(
                               name=row.name, total=points_text(evaluation.total),
                               verdict=_("đạt") if evaluation.passed else _("không đạt"))), self.refresh()))

        self.tasks.run(lambda: services.criteria.in_force(row.registration.model_kind, when), opened)

    # --- many citizens at once -------------------------------------------------------------

    def evaluation_day(self) -> date:
        today, year = self.services.ctx.today(), self.year.value()
        return today if today.year == year else date(year, 12, 1)

    def no_citizens(self, title: str) -> bool:
        """Say so (a hint, not an error) when this office is no commune's; True then."""
        if self.window_.office and self.window_.office.unit_id:
            return False
        tell(self, title, _("Chỉ văn phòng của một xã mới chấm điểm được công dân học tập."))
        return True

    def citizens_hint(self) -> str:
        return _("Chưa có công dân nào đăng ký danh hiệu \"Công dân học tập\" năm {year}: bấm \"Đăng ký...\", "
                 "chọn \"Công dân học tập\" rồi chọn người.").format(year=self.year.value())

    def score_grid(self) -> None:
        """Every citizen registered for the year in one grid; Save evaluates the changed rows in one go."""
        if self.no_citizens(_("Chấm điểm công dân")):
            return
        services, commune_id, year, when = self.services, self.window_.office.unit_id, self.year.value(), \
            self.evaluation_day()

        def load() -> tuple[list[GridRow], Any]:
            rows = citizen_grid(services, commune_id, year)
            return rows, services.criteria.in_force("citizen", when) if rows else None

        def opened(found: tuple[list[GridRow], Any]) -> None:
            rows, criteria = found
            if not rows:
                self.message.setText(self.citizens_hint())
                return
            dialog = ScoreGridDialog(self, criteria, rows, year, when)
            if not dialog.confirmed():
                return
            scores, on, own = dialog.scores(), picked(dialog.evaluated_on), dialog.self_assessment.isChecked()

            def done(result: Any) -> None:
                saved = result.saved
                self.message.setText(_("Đã lưu điểm của {n} người: {passed} đạt, {failed} không đạt.").format(
                    n=format_number(saved), passed=format_number(result.passed),
                    failed=format_number(saved - result.passed)))
                self.refresh()

            self.tasks.run(lambda: services.models.evaluate_many(scores, on, own), done, _("Đang lưu điểm..."))

        self.tasks.run(load, opened)

    def import_scores(self) -> None:
        """A spreadsheet of self-assessment scores: chosen, checked (nothing written), then imported on "Nhập"."""
        if self.no_citizens(_("Nhập điểm tự đánh giá")):
            return
        services, year, when = self.services, self.year.value(), self.evaluation_day()

        def opened(count: int) -> None:
            if not count:
                self.message.setText(self.citizens_hint())
                return
            path, _filter = QFileDialog.getOpenFileName(self, _("Chọn tệp điểm tự đánh giá"), "", "Excel (*.xlsx)")
            if not path:
                return

            def read() -> list[Any]:
                from kbang_desktop.documents.scores import read_scores

                return read_scores(Path(path))

            self.tasks.run(read, lambda rows: self.check_scores(Path(path), rows, year, when), _("Đang đọc tệp..."))

        self.tasks.run(lambda: sum(1 for r in services.models.registrations(year, "citizen")
                                   if r.status == "registered"), opened)

    def check_scores(self, path: Path, rows: list[Any], year: int, when: date) -> None:
        dialog = ScoreImportDialog(self, path, rows, year, when)
        if not dialog.confirmed():
            self.message.setText(_("Chưa nhập điểm nào từ {path}.").format(path=path.name))
            return
        services, on, skip = self.services, picked(dialog.evaluated_on), dialog.skip.isChecked()

        def done(outcome: Any) -> None:
            if outcome.status != "imported":
                self.message.setText(_("Không nhập: tệp còn lỗi."))
                return
            text = _("Đã nhập điểm tự đánh giá của {n} người: {passed} đạt.").format(
                n=format_number(outcome.evaluated), passed=format_number(outcome.passed))
            if outcome.errors:
                text += " " + _("Bỏ qua {n} dòng có lỗi.").format(n=format_number(len({e.row for e in outcome.errors})))
            self.message.setText(text)
            self.refresh()

        self.tasks.run(lambda: services.score_import.import_scores(year, rows, on, "citizen", skip_invalid=skip,
                                                                          source=path), done,
                       _("Đang nhập điểm..."))

    # --- decisions -----------------------------------------------------------------------

    def new_decision(self) -> None:
        chosen = self.chosen_rows()
        kind = self.kind.currentData() or (chosen[0].registration.model_kind if chosen else "household")
        services, year = self.services, self.year.value()
        office = self.window_.office
        unit_id = getattr(office, "unit_id", None) if office is not None else None
        self.tasks.run(lambda: services.units.get(unit_id) if unit_id else None,
                       lambda unit: self._new_decision(unit.name if unit is not None else "", kind, year))

    def _new_decision(self, commune: str, kind: str, year: int) -> None:
        """The form of a new draft, the commune being this office's (its unit, whatever the office is called)."""
        dialog = DecisionDialog(self, commune, kind, year, self.services.ctx.today())
        if not dialog.confirmed():
            return
        values, services = dialog.values(), self.services

        def done(decision: Any) -> None:
            self.message.setText(_("Đã lưu dự thảo quyết định {number}. Chọn các đăng ký đã đạt rồi bấm "
                                   "\"Đưa các đăng ký đã chọn vào quyết định\".").format(number=decision.number))
            self.refresh_selecting(decision.id)

        self.tasks.run(lambda: services.models.create_decision(values["commune"], values["number"], values["decided_on"],
                                                               values["kind"], year, values["signer_name"],
                                                               values["signer_title"]), done)

    def refresh_selecting(self, decision_id: str) -> None:
        """Load again with this decision selected (a new draft is the one the user works on next)."""
        services, year = self.services, self.year.value()

        def select(found: Any) -> None:
            self.decisions.set_rows(found)
            again = next((i for i, d in enumerate(found) if d[0].id == decision_id), None)
            if again is not None:
                self.decision_view.selectRow(again)
            self.refresh()

        self.tasks.run(lambda: services.models.decisions(year), select)

    def add_entries(self) -> None:
        decision, chosen = self.decision(), self.chosen_rows()
        if decision is None or not chosen:
            self.message.setText(_("Chọn các đăng ký đã đạt và một quyết định dự thảo."))
            return
        services = self.services

        def done(result: tuple[list[Row], list[tuple[Row, str]]]) -> None:
            added, refused = result
            text = _("Đã đưa {n} {what} vào quyết định {number}.").format(
                n=format_number(len(added)), what=_(SUBJECT_WORDS[decision.kind]), number=decision.number)
            if refused:
                text += " " + _("Không đưa vào được: {list}").format(
                    list=" ".join(_("{name}: {reason}").format(name=r.name, reason=reason) for r, reason in refused))
            self.message.setText(text)
            self.refresh()

        self.tasks.run(lambda: add_chosen(services, decision.id, chosen), done, _("Đang đưa vào quyết định..."))

    def issue(self) -> None:
        decision = self.decision()
        if decision is None:
            return
        count = next((n for d, n in self.decisions.rows if d.id == decision.id), 0)
        if not ask(self, _("Ban hành quyết định"),
                   _("Ban hành quyết định {number} công nhận {n} {what} đạt danh hiệu \"{model}\" năm {year}?").format(
                       number=decision.number, n=format_number(count), what=_(SUBJECT_WORDS[decision.kind]),
                       model=_(MODEL_NAMES[decision.kind]), year=decision.year),
                   _("Ban hành"), _("Hủy"),
                   detail=_("Sau khi ban hành, danh sách không sửa được nữa; chỉ quản trị viên thu hồi được quyết định.")):
            return
        services = self.services
        self.tasks.run(lambda: services.models.issue(decision.id),
                       lambda d: (self.message.setText(_("Đã ban hành quyết định {number} ({n} được công nhận).").format(
                           number=d.number, n=format_number(count))), self.refresh()))

    def revoke(self) -> None:
        """Administrators revoke an issued decision, with the reason (its certificates then verify as revoked)."""
        decision = self.decision()
        if decision is None:
            return
        reason = ask_text(self, _("Thu hồi quyết định"), _("Lý do thu hồi quyết định {number}:").format(
            number=decision.number), _("Thu hồi"))
        if reason is None:
            return
        services, today = self.services, self.services.ctx.today()
        self.tasks.run(lambda: services.models.revoke(decision.id, today, reason),
                       lambda d: (self.message.setText(_("Đã thu hồi quyết định {number}.").format(number=d.number)),
                                  self.refresh()))

    # --- criteria sets ------------------------------------------------------------------------

    def new_criteria(self) -> None:
        """An administrator replaces the criteria set of a model from a date (a new version with its dates)."""
        services = self.services
        kind = self.kind.currentData() or "household"
        today = services.ctx.today()

        def opened(sets: list[Any]) -> None:
            dialog = CriteriaVersionDialog(self, sets, kind, today)
            if not dialog.confirmed():
                return
            values = dialog.values()

            def done(made: Any) -> None:
                self.message.setText(_("Đã lưu bộ tiêu chí \"{name}\", phiên bản {version}, áp dụng từ {date}.").format(
                    name=made.name, version=made.version, date=made.effective_from.strftime("%d/%m/%Y")))

            self.tasks.run(lambda: services.criteria.new_version(**values), done)

        self.tasks.run(lambda: services.criteria.list(), opened)

    # --- the papers of the year ------------------------------------------------------------

    def paper(self, paper: str) -> None:
        """Ask what the paper covers, where to save it, then write it in the background and say so."""
        if not self.window_.office or not self.window_.office.unit_id:
            tell(self, _(PAPER_WORDS[paper][0]), _("Chỉ văn phòng của một xã mới lập được giấy tờ này."))
            return
        services, commune_id, year = self.services, self.window_.office.unit_id, self.year.value()
        chosen = [r.registration for r in self.chosen_rows()]
        kind = self.kind.currentData() or (chosen[0].model_kind if chosen else None)

        def opened(villages: list[Any]) -> None:
            dialog = PaperDialog(self, paper, year, villages, kind, chosen, services.ctx.today())
            if not dialog.confirmed():
                return
            options = dialog.values()
            ext = options["format"]
            title = _(PAPER_WORDS[paper][0])
            suggested = file_name(title, options.get("village_name", ""), str(year), ext=ext)
            path, _filter = QFileDialog.getSaveFileName(self, title, suggested,
                                                        "PDF (*.pdf)" if ext == "pdf" else "Excel (*.xlsx)")
            if not path:
                return
            target = Path(path) if Path(path).suffix.lower() == "." + ext else Path(path + "." + ext)

            def written(result: tuple[int, int]) -> None:
                count, rows = result
                text = (_("Đã lưu {path} ({pages} trang, {rows} dòng).").format(path=target, pages=count, rows=rows)
                        if ext == "pdf" else _("Đã lưu {path} ({rows} dòng).").format(path=target, rows=rows))
                self.message.setText(text)
                self.window_.statusBar().showMessage(text, 8000)

            self.tasks.run(lambda: write_paper(services, paper, year, options, target), written,
                           _("Đang lập {what}...").format(what=title.lower()))

        self.tasks.run(lambda: services.units.villages_of(commune_id), opened)


PAPERS = ("registrations", "sheets", "minutes", "certificates", "report")
# Who a citizen's scoring sheet is for: the indicators are the same, the evidence differs.
TARGET_GROUP_WORDS = ((None, N_("Chung cho mọi người")), ("farmer", N_("Nông dân")),
                      ("worker", N_("Công nhân, người lao động")), ("official", N_("Cán bộ, công chức, viên chức")))
PAPER_WORDS = {
    "registrations": (N_("Danh sách đăng ký"), N_("Danh sách đăng ký của một thôn, làng (hoặc cả xã) trong năm")),
    "sheets": (N_("Phiếu đánh giá"), N_("Phiếu đánh giá để chấm điểm trên giấy ở thôn, làng")),
    "minutes": (N_("Biên bản bình xét"), N_("Biên bản họp bình xét của thôn, làng với danh sách đề nghị công nhận")),
    "certificates": (N_("Sổ cấp giấy công nhận"), N_("Sổ theo dõi cấp giấy công nhận: số vào sổ, ngày cấp, in lại")),
    "report": (N_("Báo cáo năm"), N_("Báo cáo của xã về các mô hình học tập trong năm, so với chỉ tiêu quốc gia")),
}


class PaperDialog(Dialog):
    """What one paper of the year covers: the model, the village, the date, the number and signers of a
    report, PDF or Excel."""

    def __init__(self, parent: QWidget, paper: str, year: int, villages: list[Any], kind: str | None,
                 chosen: list[Any], today: date) -> None:
        title = (_("Báo cáo năm {year}").format(year=year) if paper == "report" else
                 _("{what} năm {year}").format(what=_(PAPER_WORDS[paper][0]), year=year))
        super().__init__(parent, title, width=55)
        self.paper, form = paper, self.form
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        if paper == "registrations":
            self.kind.addItem(_("Mọi mô hình"), None)
        for code in MODEL_KINDS:
            self.kind.addItem(_(MODEL_NAMES[code]), code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)) if kind else 0)
        self.village = QComboBox()
        self.village.setObjectName("village")
        self.village.addItem(_("Cả xã"), None)
        for village in villages:
            self.village.addItem(village.name, village.id)
        self.format = QComboBox()
        self.format.setObjectName("format")
        self.format.addItem("PDF", "pdf")
        if paper != "sheets":
            self.format.addItem("Excel (.xlsx)", "xlsx")
        self.only_chosen = QCheckBox(_("Chỉ {n} đăng ký đang chọn").format(n=len(chosen)))
        self.only_chosen.setObjectName("only_chosen")
        self.chosen = chosen
        self.group = QComboBox()
        self.group.setObjectName("group")
        for code, words in TARGET_GROUP_WORDS:
            self.group.addItem(_(words), code)
        self.blank = QCheckBox(_("Một phiếu trống (ghi tên bằng tay)"))
        self.blank.setObjectName("blank")
        self.on = date_edit(today if today.year == year else date(year, 12, 1), "on")
        self.use_date = QCheckBox(_("Ghi ngày họp"))
        self.use_date.setObjectName("use_date")
        self.number = QLineEdit()
        self.number.setObjectName("number")
        self.number.setPlaceholderText("25/BC-UBND")
        self.signer = QLineEdit()
        self.signer.setObjectName("signer")
        self.signer_title = QComboBox()
        self.signer_title.setObjectName("signer_title")
        self.signer_title.addItem(_("Chủ tịch"), "chairman")
        self.signer_title.addItem(_("Phó Chủ tịch"), "vice_chairman")
        self.preparer = QLineEdit()
        self.preparer.setObjectName("preparer")
        if paper in ("registrations", "sheets", "minutes"):
            form.addRow(_("Mô hình"), self.kind)
            form.addRow(_("Thôn/Làng"), self.village)
        if paper == "sheets":
            if chosen:
                form.addRow("", self.only_chosen)
                self.only_chosen.setChecked(True)
            form.addRow("", self.blank)
            form.addRow(_("Đối tượng"), self.group)
            self.kind.currentIndexChanged.connect(lambda _i: self.group.setEnabled(self.kind.currentData() == "citizen"))
            self.group.setEnabled(self.kind.currentData() == "citizen")
        if paper == "minutes":
            form.addRow("", self.use_date)
            form.addRow(_("Ngày họp"), self.on)
            self.use_date.setChecked(True)
            self.use_date.toggled.connect(self.on.setEnabled)
        if paper == "report":
            form.addRow(_("Số báo cáo"), self.number)
            form.addRow(_("Ngày báo cáo"), self.on)
            form.addRow(_("Người ký"), self.signer)
            form.addRow(_("Chức vụ"), self.signer_title)
            form.addRow(_("Người lập biểu"), self.preparer)
        form.addRow(_("Định dạng"), self.format)
        self.add_buttons(_("Lập..."))
        if paper == "minutes":
            self.kind.currentIndexChanged.connect(lambda _i: self.update_save())
            self.update_save()

    def update_save(self) -> None:
        if self.save_button is not None:
            self.save_button.setEnabled(self.kind.currentData() is not None)

    def values(self) -> dict[str, Any]:
        chosen = [r.id for r in self.chosen if r.model_kind == self.kind.currentData()]
        return {"kind": self.kind.currentData(), "village": self.village.currentData(),
                "village_name": self.village.currentText() if self.village.currentData() else "",
                "format": self.format.currentData(), "on": picked(self.on),
                "meeting": picked(self.on) if self.use_date.isChecked() else None,
                "registrations": chosen if self.only_chosen.isChecked() else [], "blank": self.blank.isChecked(),
                "group": self.group.currentData() if self.kind.currentData() == "citizen" else None,
                "number": self.number.text().strip(), "signer": self.signer.text().strip(),
                "signer_title": self.signer_title.currentData(), "preparer": self.preparer.text().strip()}


def write_paper(services: Any, paper: str, year: int, options: dict[str, Any], out: Path) -> tuple[int, int]:
    """Write one paper of the year (off the GUI thread); return its pages (or sheets) and its rows."""
    from kbang_desktop.documents import paperwork as P

    kind, village = options["kind"], options["village"]
    if paper == "registrations":
        data = services.paperwork.year_list(year, kind, village)
        return P.write(P.registration_list(data), out), len(data.rows)
    if paper == "sheets":
        sheets = services.paperwork.scoring_sheets(year, kind, options["registrations"], village, options["on"],
                                                   options["blank"])
        return P.write_sheets(sheets, out, options["group"]), len(sheets)
    if paper == "minutes":
        data = services.paperwork.year_list(year, kind, village)
        return P.write(P.review_minutes(data, kind, options["meeting"]), out), len(data.proposed)
    if paper == "certificates":
        register = services.paperwork.certificate_register(year)
        return P.write(P.certificate_register(register), out), len(register.rows)
    report = services.paperwork.year_report(year, options["on"], options["number"], options["signer"],
                                            options["signer_title"], options["preparer"])
    return P.write(P.year_report(report), out), sum(len(m.villages) for m in report.models)


class CriteriaVersionDialog(Dialog):
    """A new version of a model's criteria set: the set it replaces (the one in force today), the new one's
    name, legal source, dates, template mark and criteria (JSON, checked by the same rules before saving)."""

    def __init__(self, parent: QWidget, sets: list[Any], kind: str, today: date) -> None:
        super().__init__(parent, _("Bộ tiêu chí mới"), form=False)
        self.sets, self.today = sets, today
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for code in MODEL_KINDS:
            self.kind.addItem(_(MODEL_NAMES[code]), code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.current = QLabel("")
        self.current.setObjectName("current")
        self.current.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.source = QLineEdit()
        self.source.setObjectName("source")
        self.effective_from = date_edit(date(today.year + 1, 1, 1), "effective_from")
        self.has_end = QCheckBox(_("Có ngày hết hiệu lực"))
        self.has_end.setObjectName("has_end")
        self.effective_to = date_edit(date(today.year + 5, 12, 31), "effective_to")
        self.effective_to.setEnabled(False)
        self.has_end.toggled.connect(self.effective_to.setEnabled)
        self.template = QCheckBox(_("Vẫn là mẫu cần đối chiếu"))
        self.template.setObjectName("template")
        form.addRow(_("Mô hình"), self.kind)
        form.addRow(_("Đang áp dụng"), self.current)
        form.addRow(_("Tên bộ mới"), self.name)
        form.addRow(_("Căn cứ"), self.source)
        form.addRow(_("Áp dụng từ ngày"), self.effective_from)
        form.addRow(self.has_end, self.effective_to)
        form.addRow("", self.template)
        layout.addLayout(form)
        note = QLabel(_("Tiêu chí, nội dung, điểm tối đa và điều kiện đạt (JSON), chép từ bộ đang áp dụng để sửa. "
                        "Bộ cũ hết hiệu lực từ ngày trước ngày áp dụng bộ mới; các đánh giá đã có giữ bộ cũ."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit()
        self.text.setObjectName("definition")
        layout.addWidget(self.text, 1)
        self.problem = QLabel("")
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.add_buttons(_("Lưu phiên bản mới"), layout=layout, on_save=self.check)
        self.kind.currentIndexChanged.connect(lambda _i: self.show_current())
        self.show_current()
        self.resize(780, 640)

    def base(self) -> Any:
        """The set of the chosen kind in force today (else the latest one), which the new version replaces."""
        from kbang_desktop.core.scoring import CriteriaSetRef, set_in_force

        mine = [s for s in self.sets if s.model_kind == self.kind.currentData()]
        if not mine:
            return None
        try:
            chosen = set_in_force([CriteriaSetRef(s.id, s.model_kind, s.effective_from, s.effective_to, s.version)
                                   for s in mine], self.kind.currentData(), self.today)
            return next(s for s in mine if s.id == chosen.id)
        except KbangError:
            return max(mine, key=lambda s: (s.effective_from, s.version))

    def show_current(self) -> None:
        base = self.base()
        if base is None:
            self.current.setText(_("Chưa có bộ tiêu chí nào."))
            self.save_button.setEnabled(False)
            return
        self.save_button.setEnabled(True)
        self.current.setText(_("{name}, phiên bản {version}, áp dụng từ {date}").format(
            name=base.name, version=base.version, date=base.effective_from.strftime("%d/%m/%Y")))
        self.name.setText(base.name)
        self.source.setText(base.legal_source)
        self.template.setChecked(base.is_template)
        self.text.setPlainText(json.dumps(json.loads(base.definition), ensure_ascii=False, indent=1))

    def definition(self) -> dict[str, Any]:
        try:
            data = json.loads(self.text.toPlainText())
        except ValueError as error:
            raise KbangError(N_("Không đọc được JSON: {error}"), error=str(error)) from None
        if not isinstance(data, dict):
            raise KbangError(N_("Bộ tiêu chí không hợp lệ: thiếu danh sách tiêu chí."))
        parse_definition(data)
        return data

    def check(self) -> None:
        """Save only a set the scoring rules accept, with dates that follow the set it replaces."""
        base = self.base()
        start = picked(self.effective_from)
        try:
            self.definition()
            if base is not None and start <= base.effective_from:
                raise KbangError(N_("Phiên bản mới phải bắt đầu hiệu lực sau ngày {date}, ngày bắt đầu của phiên "
                                    "bản đang có."), date=base.effective_from.strftime("%d/%m/%Y"))
            if self.has_end.isChecked() and picked(self.effective_to) < start:
                raise KbangError(N_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        except KbangError as error:
            self.problem.setText(error.translated())
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return {"base_id": self.base().id, "definition": self.definition(), "effective_from": picked(self.effective_from),
                "effective_to": picked(self.effective_to) if self.has_end.isChecked() else None,
                "name": self.name.text().strip(), "legal_source": self.source.text().strip(),
                "is_template": self.template.isChecked()}
