"""Mô hình học tập: registrations of a year, evaluation on the criteria checklist with the total and the
result computed live, and decisions (draft, entries, issue, revoke)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

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
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.scoring import parse_definition, score
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.learning_models import MODEL_NAMES
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask_text
from kbang_desktop.ui.shared.tables import Col, ListModel, table
from kbang_desktop.ui.shared.widgets import date_edit, message_label, picked
from kbang_desktop.ui.shared.words import DECISION_COLUMNS


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
        self.evaluate_button = QPushButton(_("Đánh giá..."))
        self.evaluate_button.setObjectName("evaluate")
        self.evaluate_button.clicked.connect(lambda: self.evaluate())
        bar.addWidget(QLabel(_("Năm")))
        bar.addWidget(self.year)
        bar.addStretch(1)
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
        for button in (self.evaluate_button, self.new_button, self.add_button, self.issue_button):
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
