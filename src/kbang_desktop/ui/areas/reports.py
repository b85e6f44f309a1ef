"""Báo cáo: every report with its options, looked at on screen (the PDF as it will be saved), saved as
PDF or XLSX and opened."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
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
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(_("Xem trước"))
        self.preview_button.setObjectName("preview_report")
        self.preview_button.clicked.connect(lambda: self.preview())
        self.save_button = QPushButton(_("Lưu và mở..."))
        self.save_button.setObjectName("save_report")
        self.save_button.clicked.connect(lambda: self.save())
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = message_label()
        layout.addWidget(self.message)
        self.placeholder = QLabel(_("Bấm “Xem trước” để xem báo cáo ngay trên màn hình trước khi lưu; "
                                    "bấm “Lưu và mở...” để lưu thành tệp PDF hoặc Excel."))
        self.placeholder.setObjectName("report_hint")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { color: #4a5566; font-size: 11pt; padding: 24px; }")
        layout.addWidget(self.placeholder, 1)
        self.view: Any = None  # the PDF view, made at the first preview (QtPdf is loaded only then)
        self.document: Any = None
        self.layout_ = layout
        self.folder = Path(tempfile.mkdtemp(prefix="kbang-report-"))
        folder = self.folder
        self.destroyed.connect(lambda *_a: shutil.rmtree(folder, ignore_errors=True))
        self.counter = 0
        self.filled = False  # the lists filled once (then the user's choice is kept across a refresh)
        self.previewed: tuple[Any, ...] | None = None
        self.open_after = True
        for box in (self.report, self.commune):
            box.currentIndexChanged.connect(lambda _i: self.options_changed())
        self.as_of.dateChanged.connect(lambda _d: self.options_changed())

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
            if not self.filled and office.kind == "commune":  # at a commune PC: its own commune first
                commune = next((u.name for u in units if u.id == office.unit_id), commune)
            self.filled = True
            self.report.setCurrentIndex(max(0, self.report.findData(report)))
            self.commune.setCurrentIndex(max(0, self.commune.findData(commune)))

        self.tasks.run(load, fill)

    def options(self) -> tuple[Any, ...]:
        return self.report.currentData(), picked(self.as_of), self.commune.currentData()

    def options_changed(self) -> None:
        """A preview on screen follows the options chosen (the report, the date, the commune)."""
        if self.previewed is not None and self.previewed != self.options() and self.report.currentData():
            self.preview()

    def build(self, name: str, as_of: Any, commune: Any) -> Any:
        """The work that builds a report off the GUI thread (the same for the preview and the file)."""
        services = self.services

        def work() -> Any:
            peers: Any = ()
            if name == "data-completeness":
                from kbang_desktop.sync.exchange import status

                peers = status(services)
            return services.reports.build(name, as_of, commune, peers)
        return work

    def preview(self) -> None:
        """The report as its PDF will be saved, on screen, to look at before saving."""
        name, as_of, commune = self.options()
        if name is None:
            return
        self.previewed = (name, as_of, commune)
        self.counter += 1
        path = self.folder / f"xem-truoc-{self.counter}.pdf"
        build, office = self.build(name, as_of, commune), self.window_.office

        def work() -> int:
            from kbang_desktop.documents.reports import write_report

            return write_report(build(), "pdf", path, office.name)

        def shown(_pages: int) -> None:
            if self.view is None:
                from PySide6.QtPdf import QPdfDocument
                from PySide6.QtPdfWidgets import QPdfView

                self.document = QPdfDocument(self)
                self.view = QPdfView()
                self.view.setObjectName("report_preview")
                self.view.setDocument(self.document)
                self.view.setPageMode(QPdfView.PageMode.MultiPage)
                self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
                self.layout_.replaceWidget(self.placeholder, self.view)
                self.placeholder.hide()
            self.document.load(str(path))
            pages = self.document.pageCount()
            words = _("Bản xem trước: {title}, tính đến ngày {date}, {pages} trang.").format(
                title=self.report.currentText(), date=format_date(as_of), pages=pages)
            if self.format.currentData() == "xlsx":
                words += " " + _("Tệp Excel có cùng số liệu, mỗi phần một trang tính.")
            self.message.setText(words)

        self.tasks.run(work, shown, _("Đang lập báo cáo..."))

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
        build, office = self.build(*self.options()), self.window_.office

        def work() -> int:
            from kbang_desktop.documents.reports import write_report

            return write_report(build(), fmt, target, office.name)

        def done(_pages: int) -> None:
            self.message.setText(_("Đã lưu {path}.").format(path=target))
            if self.open_after and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
                self.message.setText(_("Đã lưu {path}, nhưng máy này chưa có chương trình mở được tệp {kind}. "
                                       "Hãy cài một chương trình đọc tệp {kind}, hoặc mở tệp từ thư mục đó.").format(
                    path=target, kind=fmt.upper()))

        self.tasks.run(work, done, _("Đang lập báo cáo..."))
