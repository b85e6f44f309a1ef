"""Xóa mù chữ: classes, their learners, term results entered class by class in a grid, the literacy standard."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.literacy import PHASE_TERMS, RESULT_NAMES
from kbang_desktop.i18n import N_, _, format_percent
from kbang_desktop.ui.main_window import Area
from kbang_desktop.ui.models import Col, ListModel
from kbang_desktop.ui.people import LEVELS
from kbang_desktop.ui.widgets import date_edit, message_label, picked, table

SUBJECTS = (("tieng_viet", N_("Tiếng Việt")), ("toan", N_("Toán")))
RESULTS = (("", ""), *RESULT_NAMES.items())


class LiteracyArea(Area):
    title = N_("Xóa mù chữ")

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Xóa mù chữ") + "</h2>"))
        standard = QHBoxLayout()
        self.as_of = date_edit(self.services.ctx.today(), "as_of")
        check = QPushButton(_("Xem chuẩn biết chữ"))
        check.setObjectName("standard")
        check.clicked.connect(self.show_standard)
        self.standard = QLabel("")
        self.standard.setObjectName("standard_text")
        self.standard.setWordWrap(True)
        standard.addWidget(QLabel(_("Chuẩn biết chữ của xã tính đến ngày")))
        standard.addWidget(self.as_of)
        standard.addWidget(check)
        standard.addWidget(self.standard, 1)
        layout.addLayout(standard)
        split = QSplitter()
        self.classes = ListModel((Col(N_("Tên lớp"), lambda c: c.name, width=24),
                                  Col(N_("Giai đoạn"), lambda c: c.phase, True),
                                  Col(N_("Kì hiện tại"), lambda c: c.current_term, True),
                                  Col(N_("Khai giảng"), lambda c: c.start_date)), (), self)
        self.class_view = table(self.classes, "classes")
        self.class_view.selectionModel().selectionChanged.connect(lambda *_a: self.load_sheet())
        split.addWidget(self.class_view)
        right = QWidget()
        box = QVBoxLayout(right)
        bar = QHBoxLayout()
        self.enrol_button = QPushButton(_("Thêm học viên..."))
        self.enrol_button.setObjectName("enrol")
        self.enrol_button.clicked.connect(lambda: self.enrol())
        self.save_button = QPushButton(_("Ghi kết quả"))
        self.save_button.setObjectName("save_results")
        self.save_button.clicked.connect(self.save_results)
        for button in (self.enrol_button, self.save_button):
            button.setEnabled(False)
            bar.addWidget(button)
        bar.addStretch(1)
        box.addLayout(bar)
        self.grid = QTableWidget()
        self.grid.setObjectName("results_grid")
        box.addWidget(self.grid, 1)
        self.message = message_label()
        box.addWidget(self.message)
        split.addWidget(right)
        split.setSizes([360, 820])
        layout.addWidget(split, 1)
        self.sheet: list[Any] = []
        self.cells: list[tuple[str, int, str, QComboBox, str]] = []

    def refresh(self) -> None:
        services = self.services
        self.tasks.run(lambda: sorted(services.literacy.classes(), key=lambda c: (c.start_date, c.name), reverse=True),
                       self.classes.set_rows)

    def klass(self) -> Any:
        rows = self.class_view.selectionModel().selectedRows()
        return self.classes.row_at(rows[0].row()) if rows else None

    def load_sheet(self) -> None:
        klass = self.klass()
        if klass is None:
            return
        services = self.services
        self.tasks.run(lambda: services.literacy.class_sheet(klass.id), lambda rows: self.show_sheet(klass, rows))

    def show_sheet(self, klass: Any, rows: list[Any]) -> None:
        self.sheet = rows
        terms = PHASE_TERMS[klass.phase]
        columns = [(t, code, _("Kì {term} - {subject}").format(term=t, subject=_(label))) for t in terms
                   for code, label in SUBJECTS]
        self.grid.clear()
        self.grid.setRowCount(len(rows))
        self.grid.setColumnCount(2 + len(columns))
        self.grid.setHorizontalHeaderLabels([_("Học viên"), _("Biết chữ"), *(c[2] for c in columns)])
        self.cells = []
        from PySide6.QtWidgets import QTableWidgetItem

        for row, (enrolment, person, results) in enumerate(rows):
            self.grid.setItem(row, 0, QTableWidgetItem(person.full_name))
            self.grid.setItem(row, 1, QTableWidgetItem(_(LEVELS[person.literacy_level])))
            for column, (term, subject, _label) in enumerate(columns, 2):
                combo = QComboBox()
                for code, label in RESULTS:
                    combo.addItem(_(label) if label else "", code)
                held = results.get((term, subject), "")
                combo.setCurrentIndex(max(combo.findData(held), 0))
                combo.setEnabled(self.can_write and enrolment.status != "dropped")
                self.grid.setCellWidget(row, column, combo)
                self.cells.append((enrolment.id, term, subject, combo, held))
        self.grid.resizeColumnsToContents()
        self.enrol_button.setEnabled(self.can_write)
        self.save_button.setEnabled(self.can_write)
        self.message.setText(_("{n} học viên. Chọn kết quả từng kì, từng môn rồi bấm \"Ghi kết quả\".").format(n=len(rows)))

    def has_unsaved(self) -> bool:
        return any(combo.currentData() != held for _e, _t, _s, combo, held in self.cells)

    def save_results(self) -> None:
        changed = [(e, t, s, combo.currentData()) for e, t, s, combo, held in self.cells
                   if combo.currentData() and combo.currentData() != held]
        if not changed:
            self.message.setText(_("Không có kết quả nào thay đổi."))
            return
        services, when = self.services, self.services.ctx.today()

        def work() -> int:
            for enrolment_id, term, subject, result in changed:
                services.literacy.record_result(enrolment_id, term, subject, result, when)
            return len(changed)

        def done(count: int) -> None:
            self.window_.statusBar().showMessage(_("Đã ghi {n} kết quả.").format(n=count), 6000)
            self.load_sheet()
            self.refresh()

        self.tasks.run(work, done, _("Đang ghi kết quả..."))

    def enrol(self, name: str | None = None) -> None:
        klass = self.klass()
        if klass is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, _("Thêm học viên"), _("Họ và tên người học (tìm không dấu được):"))
            if not ok or not name.strip():
                return
        services, when = self.services, self.services.ctx.today()

        def work() -> Any:
            found = services.persons.search(name, 2)
            if len(found) != 1:
                from kbang_desktop.core.errors import KbangError

                raise KbangError(N_("Cần đúng một người khớp với \"{name}\"; có {n}. Gõ đầy đủ hơn."), name=name,
                                 n=len(found))
            return services.literacy.enrol(klass.id, found[0].id, when)

        self.tasks.run(work, lambda _e: self.load_sheet())

    def show_standard(self) -> None:
        services, as_of = self.services, picked(self.as_of)

        def work() -> Any:
            return services.reports.build("literacy-standard", as_of)

        def shown(report: Any) -> None:
            lines = []
            for row in report.sections[0].rows:
                lines.append(_("{commune}: mức 1 {r1} ({ok1}), mức 2 {r2} ({ok2})").format(
                    commune=row[0], r1=format_percent(float(row[5]), 1) if row[5] is not None else "-",
                    ok1=_("đạt") if row[6] else _("chưa đạt"),
                    r2=format_percent(float(row[10]), 1) if row[10] is not None else "-",
                    ok2=_("đạt") if row[11] else _("chưa đạt")))
            self.standard.setText("; ".join(lines) or _("Không có số liệu."))

        self.tasks.run(work, shown, _("Đang tính chuẩn biết chữ..."))
