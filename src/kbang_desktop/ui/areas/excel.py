"""Nhập Excel: read a register, show every problem row by row, save only when the user confirms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kbang_desktop.i18n import N_, _
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.tables import Col, ListModel, table


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
        self.skip = QCheckBox(_("Bỏ qua dòng có lỗi"))
        self.skip.setObjectName("skip_invalid")
        self.skip.toggled.connect(lambda _on: self._update_button())
        self.apply_button = QPushButton(_("Nhập vào dữ liệu"))
        self.apply_button.setObjectName("apply_import")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        bar.addWidget(self.choose)
        bar.addWidget(self.skip)
        bar.addStretch(1)
        bar.addWidget(self.apply_button)
        layout.addLayout(bar)
        self.summary = QLabel(_("Chọn tệp để kiểm tra; chưa có gì được lưu trước khi bấm \"Nhập vào dữ liệu\"."))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problems = ListModel((Col(N_("Dòng"), lambda p: p[0], True), Col(N_("Cột"), lambda p: p[1]),
                                   Col(N_("Vấn đề"), lambda p: p[2])), (), self)
        layout.addWidget(table(self.problems, "import_problems"), 1)
        self.path: Path | None = None
        self.checked: Any = None
        self.sheet: Any = None

    def check_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Chọn tệp Excel"), "", "Excel (*.xlsx)")
        if not path:
            return
        self.path = Path(path)
        services = self.services

        def work() -> tuple[Any, Any]:
            from kbang_desktop.documents.excel import read_sheet

            rows, headers = read_sheet(Path(path))
            return (rows, headers), services.person_import.import_rows(rows, headers, dry_run=True, skip_invalid=True)

        self.tasks.run(work, self.show_check, _("Đang đọc và kiểm tra tệp..."))

    def show_check(self, found: tuple[Any, Any]) -> None:
        self.sheet, self.checked = found
        outcome = self.checked
        rows = [(p.row, p.column, _(p.message).format(**p.params)) for p in outcome.errors]
        rows += [(d["row"], _("Họ và tên"), _("Có vẻ đã có: {name} ({year}); sẽ không thêm lần nữa.").format(
            name=d["full_name"], year=d["birth_year"])) for d in outcome.duplicates]
        self.problems.set_rows(sorted(rows))
        self.summary.setText(_("{rows} dòng: {created} người sẽ được thêm, {errors} lỗi ở {bad} dòng, {dups} có vẻ đã có.")
                             .format(rows=outcome.rows, created=outcome.created, errors=len(outcome.errors),
                                     bad=outcome.skipped, dups=len(outcome.duplicates)))
        self._update_button()

    def _update_button(self) -> None:
        outcome = self.checked
        ready = outcome is not None and outcome.created > 0 and (not outcome.errors or self.skip.isChecked())
        self.apply_button.setEnabled(bool(ready) and self.can_write)

    def apply(self) -> None:
        if self.sheet is None:
            return
        rows, headers = self.sheet
        services, skip, source = self.services, self.skip.isChecked(), self.path

        def done(outcome: Any) -> None:
            self.summary.setText(_("Đã nhập {created} người.").format(created=outcome.created)
                                 if outcome.status == "imported" else _("Không nhập: tệp còn lỗi."))
            self.apply_button.setEnabled(False)
            self.checked = None

        self.tasks.run(lambda: services.person_import.import_rows(rows, headers, skip_invalid=skip, source=source),
                       done,
                       _("Đang nhập..."))
