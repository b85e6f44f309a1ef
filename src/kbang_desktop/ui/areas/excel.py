"""Nhập Excel: read a register, show every problem row by row and every change field by field (old -> new),
save only when the user confirms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.tables import Col, ListModel, problems_table, table


class ExcelArea(Area):
    title = N_("Nhập Excel")
    shows: frozenset[str] = frozenset()  # shows no records: no write refreshes it

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Nhập danh sách người từ Excel") + "</h2>"))
        bar = QHBoxLayout()
        self.choose = QPushButton(_("Chọn tệp .xlsx..."))
        self.choose.setObjectName("choose")
        self.choose.clicked.connect(lambda: self.check_file())
        self.update_people = QCheckBox(_("Sửa những người đã có theo tệp"))
        self.update_people.setObjectName("update_people")
        self.update_people.setToolTip(_("Người trong tệp được nhận ra theo mã người (cột của tệp đã xuất), hoặc theo "
                                        "họ tên, năm sinh và thôn, làng khi chỉ có một người như vậy."))
        self.update_people.toggled.connect(lambda _on: self.check_again())
        self.create_villages = QCheckBox(_("Tạo thôn, làng mới"))
        self.create_villages.setObjectName("create_villages")
        self.create_villages.setToolTip(_("Tạo các thôn, làng mà xã chưa có; không chọn thì các dòng đó là lỗi."))
        self.create_villages.toggled.connect(lambda _on: self.check_again())
        self.skip = QCheckBox(_("Bỏ qua dòng có lỗi"))
        self.skip.setObjectName("skip_invalid")
        self.skip.toggled.connect(lambda _on: self._update_button())
        self.apply_button = QPushButton(_("Nhập vào dữ liệu"))
        self.apply_button.setObjectName("apply_import")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        bar.addWidget(self.choose)
        bar.addWidget(self.update_people)
        bar.addWidget(self.create_villages)
        bar.addWidget(self.skip)
        bar.addStretch(1)
        bar.addWidget(self.apply_button)
        layout.addLayout(bar)
        self.summary = QLabel(_("Chọn tệp để kiểm tra; chưa có gì được lưu trước khi bấm \"Nhập vào dữ liệu\"."))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.villages = QLabel("")
        self.villages.setObjectName("new_villages")
        self.villages.setWordWrap(True)
        layout.addWidget(self.villages)
        self.problems, problem_view = problems_table("import_problems", self)
        layout.addWidget(QLabel("<b>" + _("Các dòng có lỗi") + "</b>"))
        layout.addWidget(problem_view, 1)
        # one line per field changed: (row, person, column, old, new)
        self.changes = ListModel((Col(N_("Dòng"), lambda c: c[0], True), Col(N_("Người"), lambda c: c[1], width=24),
                                  Col(N_("Cột"), lambda c: c[2], width=18), Col(N_("Cũ"), lambda c: c[3], width=20),
                                  Col(N_("Mới"), lambda c: c[4], width=20)), (), self)
        self.changes_view = table(self.changes, "import_changes")
        layout.addWidget(QLabel("<b>" + _("Những thay đổi sẽ được lưu") + "</b>"))
        layout.addWidget(self.changes_view, 1)
        self.path: Path | None = None
        self.checked: Any = None
        self.sheet: Any = None
        self.asked = 0  # the latest check: an earlier one that comes back later is not shown

    def options(self) -> dict[str, bool]:
        return {"update": self.update_people.isChecked(), "create_villages": self.create_villages.isChecked()}

    def check_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Chọn tệp Excel"), "", "Excel (*.xlsx)")
        if not path:
            return
        self.path = Path(path)
        self.sheet = None
        self.check()

    def check_again(self) -> None:
        """The ticks changed what the import would do: check the file read again (nothing is saved)."""
        if self.sheet is not None:
            self.check()

    def check(self) -> None:
        services, path, sheet, options = self.services, self.path, self.sheet, self.options()
        self.checked = None
        self._update_button()
        self.asked += 1
        asked = self.asked

        def work() -> tuple[Any, Any, dict[str, bool], int]:
            from kbang_desktop.documents.excel import read_sheet
            from kbang_desktop.services.person_import import header_key

            rows, headers = sheet if sheet is not None else read_sheet(path)
            if sheet is None and header_key(headers.get("id", "")).startswith("ma nguoi"):
                options["update"] = True  # a list this program exported ("Mã người"): its people are updated
            return (rows, headers), services.person_import.import_rows(
                rows, headers, dry_run=True, skip_invalid=True, **options), options, asked

        self.tasks.run(work, self.show_check, _("Đang đọc và kiểm tra tệp..."))

    def show_check(self, found: tuple[Any, Any, dict[str, bool], int]) -> None:
        sheet, outcome, options, asked = found
        if asked != self.asked:
            return  # a tick changed meanwhile: the check asked since is what counts
        self.sheet = sheet
        if options != self.options():  # the file says it is a list to update: the tick shows it
            self.update_people.blockSignals(True)
            self.update_people.setChecked(options["update"])
            self.update_people.blockSignals(False)
        self.checked = outcome
        self.problems.show(outcome.errors, [(d["row"], _("Họ và tên"), _(
            "Có vẻ đã có: {name} ({year}); sẽ không thêm lần nữa.").format(name=d["full_name"], year=d["birth_year"]))
            for d in outcome.duplicates])
        self.changes.set_rows([(c.row, c.full_name, f.column, f.old, f.new) for c in outcome.changes for f in c.fields])
        self.summary.setText(_("{rows} dòng: thêm {created} người, sửa {updated} người, {unchanged} người không đổi; "
                               "{errors} lỗi ở {bad} dòng, {dups} có vẻ đã có. Chưa có gì được lưu.").format(
            rows=format_number(outcome.rows), created=format_number(outcome.created),
            updated=format_number(outcome.updated), unchanged=format_number(outcome.unchanged),
            errors=format_number(len(outcome.errors)), bad=format_number(outcome.skipped),
            dups=format_number(len(outcome.duplicates))))
        names = "; ".join(_("{village} (xã {commune})").format(village=v, commune=c) for v, c in outcome.new_villages)
        self.villages.setText(
            "" if not names else _("Thôn, làng xã chưa có: {names}; sẽ được tạo.").format(names=names)
            if options["create_villages"] else
            _("Thôn, làng xã chưa có: {names}. Nếu đúng là thôn, làng mới, hãy chọn \"Tạo thôn, làng mới\".").format(
                names=names))
        self._update_button()

    def _update_button(self) -> None:
        outcome = self.checked
        ready = outcome is not None and (outcome.created or outcome.updated) and (
            not outcome.errors or self.skip.isChecked())
        self.apply_button.setEnabled(bool(ready) and self.can_write)

    def apply(self) -> None:
        if self.sheet is None or self.checked is None:
            return
        rows, headers = self.sheet
        services, skip, source, options = self.services, self.skip.isChecked(), self.path, self.options()

        def done(outcome: Any) -> None:
            self.summary.setText(_("Đã nhập: thêm {created} người, sửa {updated} người.").format(
                created=format_number(outcome.created), updated=format_number(outcome.updated))
                if outcome.status == "imported" else _("Không nhập: tệp còn lỗi."))
            self.apply_button.setEnabled(False)
            self.checked = None
            self.changes.set_rows([])

        self.tasks.run(lambda: services.person_import.import_rows(rows, headers, skip_invalid=skip, source=source,
                                                                  **options),
                       done, _("Đang nhập..."))
