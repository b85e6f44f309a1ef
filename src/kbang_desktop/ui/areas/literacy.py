"""Xóa mù chữ: classes, their learners, term results entered class by class in a grid, the literacy standard."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.literacy import PHASE_TERMS, RESULT_NAMES
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _, format_percent
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog
from kbang_desktop.ui.shared.tables import Col, ListModel, empty_hint, reload_keeping_selection, table
from kbang_desktop.ui.shared.widgets import ListSplitter, date_edit, message_label, picked
from kbang_desktop.ui.shared.words import LEVELS

SUBJECTS = (("tieng_viet", N_("Tiếng Việt")), ("toan", N_("Toán")))
RESULTS = (("", ""), *RESULT_NAMES.items())


def class_words(klass: Any) -> str:
    """A class named in a sentence: "lớp Xóa mù chữ Làng A", or its name alone when it says "Lớp" already."""
    return klass.name if fold(klass.name).startswith("lop ") else _("lớp {name}").format(name=klass.name)


class ClassDialog(Dialog):
    """A new literacy class, or corrections to one: centre and phase are fixed once it is opened."""

    def __init__(self, parent: QWidget, today: date, centres: list[Any], villages: dict[str, list[Any]],
                 klass: Any = None) -> None:
        super().__init__(parent, _("Sửa lớp xóa mù chữ") if klass is not None else _("Mở lớp xóa mù chữ"), width=60)
        self.villages = villages
        form = self.form
        self.name = QLineEdit(klass.name if klass is not None else "")
        self.name.setObjectName("class_name")
        self.centre = QComboBox()
        self.centre.setObjectName("class_centre")
        for centre in centres:
            self.centre.addItem(centre.name, centre)
        self.phase = QComboBox()
        self.phase.setObjectName("class_phase")
        self.term = QComboBox()
        self.term.setObjectName("class_term")
        for phase in PHASE_TERMS:
            self.phase.addItem(_("Giai đoạn {n}").format(n=phase), phase)
        self.teacher = QLineEdit(klass.teacher_name if klass is not None else "")
        self.village = QComboBox()
        self.village.setObjectName("class_village")
        self.start = date_edit(klass.start_date if klass is not None else today, "class_start")
        self.has_end = QCheckBox(_("Đã kết thúc ngày"))
        self.end = date_edit((klass.end_date if klass is not None else None) or today, "class_end")
        self.has_end.toggled.connect(self.end.setEnabled)
        self.has_end.setChecked(klass is not None and klass.end_date is not None)
        self.end.setEnabled(self.has_end.isChecked())
        self.funding = QLineEdit(klass.funding_programme if klass is not None else "")
        self.funding.setPlaceholderText(_("ví dụ: Chương trình mục tiêu quốc gia"))
        self.problem = QLabel("")
        self.problem.setObjectName("problem_class")
        self.problem.setStyleSheet("color: #a40000")
        end_row = QHBoxLayout()
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.end, 1)
        for label, widget in ((_("Tên lớp"), self.name), (_("Trung tâm"), self.centre), (_("Giai đoạn"), self.phase),
                              (_("Kì hiện tại"), self.term), (_("Giáo viên"), self.teacher),
                              (_("Thôn/Làng"), self.village), (_("Khai giảng"), self.start)):
            form.addRow(label, widget)
        form.addRow("", end_row)
        form.addRow(_("Nguồn kinh phí"), self.funding)
        form.addRow(self.problem)
        self.add_buttons()
        self.phase.currentIndexChanged.connect(lambda _i: self._fill_terms())
        self.centre.currentIndexChanged.connect(lambda _i: self._fill_villages())
        self.name.textChanged.connect(lambda _t: self.check())
        if klass is not None:
            self.centre.setCurrentIndex(max(next((i for i, c in enumerate(centres) if c.id == klass.centre_id), 0), 0))
            self.phase.setCurrentIndex(self.phase.findData(klass.phase))
            self.centre.setEnabled(False)
            self.phase.setEnabled(False)
        self._fill_terms(klass.current_term if klass is not None else None)
        self._fill_villages(klass.village_id if klass is not None else None)
        self.check()

    def _fill_terms(self, current: int | None = None) -> None:
        self.term.clear()
        for term in PHASE_TERMS[self.phase.currentData()]:
            self.term.addItem(_("Kì {n}").format(n=term), term)
        if current is not None:
            self.term.setCurrentIndex(max(self.term.findData(current), 0))

    def _fill_villages(self, current: str | None = None) -> None:
        self.village.clear()
        self.village.addItem(_("(không gắn với thôn, làng nào)"), None)
        centre = self.centre.currentData()
        for village in self.villages.get(centre.commune_id, []) if centre is not None else []:
            self.village.addItem(village.name, village.id)
        if current:
            self.village.setCurrentIndex(max(self.village.findData(current), 0))

    def check(self) -> bool:
        message = ""
        if not self.name.text().strip():
            message = _("Cần tên lớp.")
        elif self.centre.currentData() is None:
            message = _("Chưa có trung tâm học tập cộng đồng nào: thêm trung tâm trước.")
        self.problem.setText(message)
        self.save_button.setEnabled(not message)
        return not message

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text().strip(), "current_term": self.term.currentData(),
                "teacher_name": self.teacher.text().strip(), "village_id": self.village.currentData(),
                "start_date": picked(self.start), "end_date": picked(self.end) if self.has_end.isChecked() else None,
                "funding_programme": self.funding.text().strip()}

    def accept(self) -> None:
        if self.check():
            super().accept()


class DropDialog(Dialog):
    """A learner leaves the class: the date and the reason, both required."""

    REASONS = (N_("Chuyển đi nơi khác"), N_("Đi làm ăn xa"), N_("Ốm đau"), N_("Bận việc gia đình"))

    def __init__(self, parent: QWidget, learner: str, today: date) -> None:
        super().__init__(parent, _("Cho nghỉ học"), width=50)
        form = self.form
        form.addRow(QLabel(_("Học viên: {name}").format(name=learner)))
        self.when = date_edit(today, "left_on")
        self.reason = QComboBox()
        self.reason.setObjectName("drop_reason")
        self.reason.setEditable(True)
        for reason in self.REASONS:
            self.reason.addItem(_(reason))
        self.reason.setCurrentText("")
        form.addRow(_("Nghỉ từ ngày"), self.when)
        form.addRow(_("Lí do"), self.reason)
        save = self.add_buttons(_("Cho nghỉ học")) and self.save_button
        save.setEnabled(False)
        self.reason.editTextChanged.connect(lambda text: save.setEnabled(bool(text.strip())))


class LiteracyArea(Area):
    title = N_("Xóa mù chữ")
    shows = frozenset({"literacy_class", "enrolment", "term_result", "person", "literacy_attainment", "learning_centre"})

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
        split = ListSplitter()
        self.classes = ListModel((Col(N_("Tên lớp"), lambda c: c.name, width=20),
                                  Col(N_("Giai đoạn"), lambda c: c.phase, True),
                                  Col(N_("Kì hiện tại"), lambda c: c.current_term, True),
                                  Col(N_("Khai giảng"), lambda c: c.start_date)), (), self)
        self.class_view = table(self.classes, "classes")
        self.class_hint = empty_hint(self.class_view, lambda: _(
            "Chưa có lớp nào. Bấm “Mở lớp mới...” để mở lớp xóa mù chữ đầu tiên.") if self.communes else _(
            "Chưa có trung tâm học tập cộng đồng. Thêm trung tâm ở mục “Trung tâm học tập cộng đồng” trước."))
        self.class_view.selectionModel().selectionChanged.connect(lambda *_a: self.load_sheet())
        self.class_view.doubleClicked.connect(lambda _index: self.edit_class())
        split.addWidget(self.class_view)
        right = QWidget()
        box = QVBoxLayout(right)
        bar = QHBoxLayout()
        self.new_class_button = QPushButton(_("Mở lớp mới..."))
        self.new_class_button.setObjectName("new_class")
        self.new_class_button.clicked.connect(lambda: self.edit_class(new=True))
        self.new_class_button.setEnabled(self.can_write)
        self.edit_class_button = QPushButton(_("Sửa lớp..."))
        self.edit_class_button.setObjectName("edit_class")
        self.edit_class_button.clicked.connect(lambda: self.edit_class())
        self.drop_button = QPushButton(_("Cho nghỉ học..."))
        self.drop_button.setObjectName("drop_learner")
        self.drop_button.clicked.connect(lambda: self.drop_learner())
        self.enrol_button = QPushButton(_("Thêm học viên..."))
        self.enrol_button.setObjectName("enrol")
        self.enrol_button.clicked.connect(lambda: self.enrol())
        self.save_button = QPushButton(_("Ghi kết quả"))
        self.save_button.setObjectName("save_results")
        self.save_button.clicked.connect(self.save_results)
        bar.addWidget(self.new_class_button)
        for button in (self.edit_class_button, self.enrol_button, self.drop_button, self.save_button):
            button.setEnabled(False)
            bar.addWidget(button)
        bar.addStretch(1)
        box.addLayout(bar)
        self.grid = QTableWidget()
        self.grid.setObjectName("results_grid")
        box.addWidget(self.grid, 1)
        self.message = message_label(_("Chọn một lớp trong danh sách để xem học viên và ghi kết quả."))
        box.addWidget(self.message)
        split.addWidget(right)
        split.setSizes([440, 740])  # the class list whole: name, phase, term, start
        split.fit_list(self.class_view)
        layout.addWidget(split, 1)
        self.communes: dict[str, str] = {}  # centre id -> the name of its commune
        self.told: tuple[str, str | None] = ("", None)  # the last action's words, and its class
        self.sheet: list[Any] = []
        self.cells: list[tuple[str, int, str, QComboBox, str]] = []
        self.select_after_refresh: str | None = None

    def refresh(self) -> None:
        services = self.services

        def load() -> tuple[list[Any], dict[str, str]]:
            classes = sorted(services.literacy.classes(), key=lambda c: (c.start_date, c.name), reverse=True)
            centres = services.centres.list()
            names = {u.id: u.name for u in services.units.list(services.ctx.today())} if centres else {}
            return classes, {c.id: names.get(c.commune_id, "") for c in centres}

        def loaded(found: tuple[list[Any], dict[str, str]]) -> None:
            classes, self.communes = found
            self.show_classes(classes)

        self.tasks.run(load, loaded)

    def show_classes(self, classes: list[Any]) -> None:
        reload_keeping_selection(self.class_view, classes)
        wanted, self.select_after_refresh = self.select_after_refresh, None
        again = next((i for i, c in enumerate(classes) if c.id == wanted), None) if wanted else None
        if again is not None and (self.klass() is None or self.klass().id != wanted):
            self.class_view.selectRow(again)

    def klass(self) -> Any:
        rows = self.class_view.selectionModel().selectedRows()
        return self.classes.row_at(rows[0].row()) if rows else None

    def load_sheet(self, keep_message: bool = False) -> None:
        klass = self.klass()
        if klass is None:
            return
        if self.told[1] != klass.id:
            self.told = ("", None)
        services = self.services
        self.tasks.run(lambda: services.literacy.class_sheet(klass.id),
                       lambda rows: self.show_sheet(klass, rows, keep_message))

    def show_sheet(self, klass: Any, rows: list[Any], keep_message: bool = False) -> None:
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
            # with the year of birth: two learners of the same name (Đinh Blơr, 1990 and 2001) told apart
            who = _("{name} ({year})").format(name=person.full_name, year=person.birth_year)
            name = QTableWidgetItem(who)
            if enrolment.status == "dropped":
                name.setText(_("{name} (nghỉ học từ {date}: {reason})").format(
                    name=who, date=enrolment.left_on.strftime("%d/%m/%Y") if enrolment.left_on else "",
                    reason=enrolment.drop_reason))
            self.grid.setItem(row, 0, name)
            self.grid.setVerticalHeaderItem(row, QTableWidgetItem(name.text()))  # in view however far it scrolls
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
        self.grid.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.grid.setColumnHidden(0, True)  # the name is the row's header: it stays while the terms scroll by
        self.grid.resizeColumnsToContents()
        for button in (self.edit_class_button, self.enrol_button, self.drop_button, self.save_button):
            button.setEnabled(self.can_write)
        if not keep_message:
            words = (_("{n} học viên. Chọn kết quả từng kì, từng môn rồi bấm \"Ghi kết quả\".").format(n=len(rows))
                     if rows else _("Lớp chưa có học viên. Bấm “Thêm học viên...” để ghi danh người học."))
            told, about = self.told
            # what the last action did in this class stays said when the list is read again after it
            self.message.setText(f"{told} {words}" if told and about == klass.id else words)

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

        klass = self.klass()

        def done(count: int) -> None:
            words = _("Đã ghi {n} kết quả.").format(n=count)
            self.window_.statusBar().showMessage(words, 6000)
            if klass is not None:
                self.told = (words, klass.id)  # said under the grid too, not what was done before it
            self.load_sheet(keep_message=False)
            self.refresh()

        self.tasks.run(work, done, _("Đang ghi kết quả..."))

    def enrol(self) -> None:
        """Choose the learner in a list searched as typed, each with birth and village (namesakes apart)."""
        klass = self.klass()
        if klass is None:
            return
        from kbang_desktop.ui.shared.pickers import person_words, pick_person

        services, when = self.services, self.services.ctx.today()
        commune = self.commune_of(klass)
        person = pick_person(self, services, self.tasks, _("Thêm học viên vào {klass}").format(klass=class_words(klass)),
                             _("Thêm vào lớp"), commune,
                             _("Người học từ 15 đến 60 tuổi. Gõ tên để tìm, rồi chọn đúng người theo ngày sinh và "
                               "thôn, làng."))
        if person is None:
            return

        def done(_enrolment: Any) -> None:
            words = _("Đã thêm {person} vào {klass}.").format(person=person_words(person), klass=class_words(klass))
            self.told = (words, klass.id)
            self.message.setText(words)
            self.window_.statusBar().showMessage(words, 8000)
            self.load_sheet(keep_message=True)

        self.tasks.run(lambda: services.literacy.enrol(klass.id, person.id, when), done)

    def commune_of(self, klass: Any) -> str | None:
        """The name of the commune whose people a class takes (its centre's), to search there first."""
        return self.communes.get(klass.centre_id)

    def edit_class(self, new: bool = False) -> None:
        """Open a class (new) or correct the selected one."""
        klass = None if new else self.klass()
        if (klass is None and not new) or not self.can_write:
            return
        services = self.services

        def load() -> tuple[list[Any], dict[str, list[Any]]]:
            centres = sorted((c for c in services.centres.list() if c.status == "active"), key=lambda c: c.name)
            communes = {c.commune_id for c in centres}
            return centres, {commune: services.units.villages_of(commune) for commune in communes}

        def opened(found: tuple[list[Any], dict[str, list[Any]]]) -> None:
            dialog = ClassDialog(self, services.ctx.today(), *found, klass=klass)
            if not dialog.confirmed():
                return
            values, centre = dialog.values(), dialog.centre.currentData()
            if klass is None:
                phase = dialog.phase.currentData()

                def work() -> Any:
                    made = services.literacy.add_class(centre.id, values["name"], phase, values["start_date"],
                                                       values["teacher_name"], values["village_id"],
                                                       values["funding_programme"])
                    return services.literacy.update_class(made.id, current_term=values["current_term"],
                                                          end_date=values["end_date"])
            else:
                def work() -> Any:
                    return services.literacy.update_class(klass.id, **values)

            def done(saved: Any) -> None:
                words = _("Đã lưu {klass}.").format(klass=class_words(saved))
                self.window_.statusBar().showMessage(words, 5000)
                self.told = (words, saved.id)
                self.select_after_refresh = saved.id  # the class just opened or corrected is the one worked on next
                self.refresh()

            self.tasks.run(work, done)

        self.tasks.run(load, opened)

    def drop_learner(self) -> None:
        """The learner of the selected grid row leaves the class, with the date and the reason."""
        row = self.grid.currentRow()
        if not 0 <= row < len(self.sheet) or not self.can_write:
            self.message.setText(_("Chọn một học viên trong bảng trước."))
            return
        enrolment, person, _results = self.sheet[row]
        if enrolment.status == "dropped":
            self.message.setText(_("{name} đã nghỉ học.").format(name=person.full_name))
            return
        dialog = DropDialog(self, person.full_name, self.services.ctx.today())
        if not dialog.confirmed():
            return
        services, when, reason = self.services, picked(dialog.when), dialog.reason.currentText().strip()

        def done(_e: Any) -> None:
            self.message.setText(_("{name} nghỉ học từ {date}.").format(name=person.full_name,
                                                                        date=when.strftime("%d/%m/%Y")))
            self.load_sheet()

        self.tasks.run(lambda: services.literacy.drop(enrolment.id, when, reason), done)

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
