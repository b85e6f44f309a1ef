"""Báo cáo: every report with its options, saved as PDF or XLSX and opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from kbang_desktop.i18n import N_, _, format_date
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.widgets import date_edit, file_name, message_label, picked


class ReportsArea(Area):
    title = N_("Báo cáo")
    shows = frozenset({"admin_unit", "office"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Báo cáo") + "</h2>"))
        form = QFormLayout()
        self.report = QComboBox()
        self.report.setObjectName("report")
        self.as_of = date_edit(self.services.ctx.today(), "as_of")
        self.commune = QComboBox()
        self.commune.setObjectName("commune")
        self.format = QComboBox()
        self.format.setObjectName("format")
        self.format.addItem("PDF", "pdf")
        self.format.addItem("Excel (XLSX)", "xlsx")
        form.addRow(_("Báo cáo"), self.report)
        form.addRow(_("Tính đến ngày"), self.as_of)
        form.addRow(_("Xã"), self.commune)
        form.addRow(_("Định dạng"), self.format)
        layout.addLayout(form)
        self.save_button = QPushButton(_("Lưu và mở..."))
        self.save_button.setObjectName("save_report")
        self.save_button.clicked.connect(lambda: self.save())
        layout.addWidget(self.save_button)
        self.message = message_label()
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.open_after = True

    def refresh(self) -> None:
        services = self.services

        def load() -> tuple[list[Any], Any, list[Any]]:
            today = services.ctx.today()
            units = sorted(services.units.list(today, "commune") + services.units.list(today, "ward")
                           + services.units.list(today, "town"), key=lambda u: u.name)
            return services.reports.available(), services.offices.this_office(), units

        def fill(found: tuple[list[Any], Any, list[Any]]) -> None:
            infos, office, units = found
            report, commune = self.report.currentData(), self.commune.currentData()  # kept across a refresh
            self.report.clear()
            self.commune.clear()
            for info in infos:
                if office.kind == "hub" or not info.hub_only:
                    self.report.addItem(_(info.title), info.name)
            self.commune.addItem(_("Tất cả các xã"), None)
            for unit in units:
                self.commune.addItem(unit.name, unit.name)
            self.report.setCurrentIndex(max(0, self.report.findData(report)))
            self.commune.setCurrentIndex(max(0, self.commune.findData(commune)))

        self.tasks.run(load, fill)

    def save(self) -> None:
        name, fmt = self.report.currentData(), self.format.currentData()
        if name is None:
            return
        suggested = file_name(self.report.currentText(), format_date(picked(self.as_of)).replace("/", "-"), ext=fmt)
        path, _filter = QFileDialog.getSaveFileName(self, _("Lưu báo cáo"), suggested,
                                                    "PDF (*.pdf)" if fmt == "pdf" else "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != "." + fmt:
            target = target.with_suffix("." + fmt)
        services, commune = self.services, self.commune.currentData()
        as_of = picked(self.as_of)
        office = self.window_.office

        def work() -> int:
            from kbang_desktop.documents.reports import write_report

            peers: Any = ()
            if name == "data-completeness":
                from kbang_desktop.sync.exchange import status

                peers = status(services)
            return write_report(services.reports.build(name, as_of, commune, peers), fmt, target, office.name)

        def done(_pages: int) -> None:
            self.message.setText(_("Đã lưu {path}.").format(path=target))
            if self.open_after and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
                self.message.setText(_("Đã lưu {path}, nhưng máy này chưa có chương trình mở được tệp {kind}. "
                                       "Hãy cài một chương trình đọc tệp {kind}, hoặc mở tệp từ thư mục đó.").format(
                    path=target, kind=fmt.upper()))

        self.tasks.run(work, done, _("Đang lập báo cáo..."))
