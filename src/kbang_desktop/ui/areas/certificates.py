"""Giấy công nhận: pick a decision, preview its certificates or annex exactly as they print, print or save."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSizeF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_, _
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import ask_text, run_modal
from kbang_desktop.ui.shared.printing import prepare, print_pdf
from kbang_desktop.ui.shared.tables import ListModel, reload_keeping_selection, table
from kbang_desktop.ui.shared.tasks import CancelToken
from kbang_desktop.ui.shared.widgets import file_name
from kbang_desktop.ui.shared.words import DECISION_COLUMNS, template_name


class CertificatesArea(Area):
    title = N_("Giấy công nhận")
    shows = frozenset({"decision", "decision_entry", "office_setting"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Giấy công nhận") + "</h2>"))
        split = QSplitter()
        left = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(left)
        self.decisions = ListModel(DECISION_COLUMNS[:5], (), self)
        self.list = table(self.decisions, "decisions_for_certificates")
        self.list.selectionModel().selectionChanged.connect(lambda *_a: self.preview())
        left.addWidget(self.list)
        options = QHBoxLayout()
        self.what = QComboBox()
        self.what.setObjectName("what")
        self.what.addItem(_("Giấy công nhận"), "certificates")
        self.what.addItem(_("Danh sách kèm theo quyết định"), "annex")
        self.what.currentIndexChanged.connect(lambda _i: self.preview())
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.template.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Khổ A4, in ngang" whole
        self.template.currentIndexChanged.connect(lambda _i: self.preview())
        options.addWidget(self.what)
        options.addWidget(self.template)
        left.addLayout(options)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Lưu PDF..."))
        self.save_button.setObjectName("save_pdf")
        self.print_button = QPushButton(_("In..."))
        self.print_button.setObjectName("print")
        for button, slot in ((self.save_button, self.save), (self.print_button, self.print_)):
            button.clicked.connect(lambda _checked=False, slot=slot: slot())  # clicked passes `checked`
            button.setEnabled(False)
            buttons.addWidget(button)
        left.addLayout(buttons)
        self.message = QLabel(_("Chọn một quyết định đã ban hành để xem trước."))
        self.message.setWordWrap(True)
        left.addWidget(self.message)
        split.addWidget(holder)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        split.addWidget(self.view)
        split.setSizes([380, 800])
        layout.addWidget(split, 1)
        self.folder = Path(tempfile.mkdtemp(prefix="kbang-preview-"))
        self.preview_path: Path | None = None
        self.previewed: tuple[Any, ...] | None = None
        self.counter = 0

    def refresh(self) -> None:
        services = self.services

        def load() -> tuple[list[Any], list[tuple[str, bool]]]:
            return ([d for d in services.models.decisions() if d[0].status == "issued"],
                    services.certificates.template_names())

        def fill(found: tuple[list[Any], list[tuple[str, bool]]]) -> None:
            decisions, templates = found
            reload_keeping_selection(self.list, decisions, key=lambda row: row[0].id)
            chosen = self.template.currentData()
            self.template.blockSignals(True)
            self.template.clear()
            for name, _built_in in templates:
                if not name.startswith("literacy"):
                    self.template.addItem(template_name(name), name)
            self.template.setCurrentIndex(max(0, self.template.findData(chosen)))
            self.template.blockSignals(False)

        self.tasks.run(load, fill)

    def selected(self) -> Any:
        rows = self.list.selectionModel().selectedRows()
        return self.decisions.row_at(rows[0].row())[0] if rows else None

    def _draw(self, out: Path, record: bool, reason: str = "") -> Any:
        """The work that draws the chosen paper into `out` (any thread); given a CancelToken, it stops
        when the user cancels, recording nothing (no print log line, no serial used)."""
        decision = self.selected()
        services, what, template = self.services, self.what.currentData(), self.template.currentData() or "a4-landscape"

        def work(token: CancelToken | None = None) -> Any:
            check = token.check if token is not None else (lambda: None)
            if what == "annex":
                from kbang_desktop.documents.lists import annex_pdf

                return annex_pdf(services.paperwork.annex(decision.id), out)
            from kbang_desktop.documents.certificates import print_decision

            return print_decision(services.certificates, decision.id, out, template, reason, record=record,
                                  check=check)
        return work

    def preview(self) -> None:
        decision = self.selected()
        if decision is None:
            return
        shown = (decision.id, self.what.currentData(), self.template.currentData())
        if shown == self.previewed:  # the same again (the list reloaded after a write): nothing to redraw
            return
        self.previewed = shown
        self.counter += 1
        path = self.folder / f"xem-truoc-{self.counter}.pdf"
        self.message.setText(_("Đang dựng bản xem trước..."))
        draw, services = self._draw(path, record=False), self.services

        def work() -> tuple[Any, int]:
            return draw(), len(services.certificates.for_decision(decision.id))

        def shown(found: tuple[Any, int]) -> None:
            self.preview_path = path
            self.document.load(str(path))
            self.message.setText(self.preview_words(self.document.pageCount(), found[1]))
            self.save_button.setEnabled(self.can_write)
            self.print_button.setEnabled(self.can_write)

        self.tasks.run(work, shown, _("Đang dựng bản xem trước..."))

    def preview_words(self, pages: int, printed: int) -> str:
        """What the preview is, and whether this decision's certificates were printed already."""
        if self.what.currentData() == "annex":
            return _("Bản xem trước: {pages} trang, đúng như khi in.").format(pages=pages)
        if printed:
            return _("Bản xem trước: {pages} trang, đúng như khi in. Đã in {n} giấy của quyết định này; "
                     "in nữa sẽ ghi là in lại.").format(pages=pages, n=printed)
        return _("Bản xem trước: {pages} trang, đúng như khi in. Chưa ghi nhận lần in nào.").format(pages=pages)

    def recorded_words(self, result: Any) -> str:
        """After a print or a save: what the print log now holds."""
        serials = getattr(result, "serials", None)
        if not serials:
            return ""
        first, last = min(serials), max(serials)
        numbers = str(first) if first == last else f"{first}–{last}"
        text = _("Đã ghi nhận lần in: {n} giấy, số vào sổ {numbers}.").format(n=len(serials), numbers=numbers)
        if result.reprints:
            text += " " + _("{n} giấy là in lại.").format(n=result.reprints)
        return text

    def _reason(self) -> str | None:
        decision = self.selected()
        if self.what.currentData() == "annex" or decision is None:
            return ""
        printed = self.services.certificates.for_decision(decision.id)
        if not printed:
            return ""
        return ask_text(self, _("In lại"), _("Giấy của quyết định này đã in. Lý do in lại:"), _("In lại"))

    def save(self) -> None:
        reason = self._reason()
        if reason is None or self.selected() is None:
            return
        decision = self.selected()
        suggested = file_name(_("Giấy công nhận") if self.what.currentData() != "annex" else _("Danh sách kèm theo"),
                              _("QĐ {number}").format(number=decision.number), ext="pdf")
        path, _filter = QFileDialog.getSaveFileName(self, _("Lưu PDF"), suggested, "PDF (*.pdf)")
        if not path:
            return
        target = Path(path)

        def saved(result: Any) -> None:
            self.window_.statusBar().showMessage(_("Đã lưu {path}.").format(path=target), 8000)
            self.message.setText(" ".join(filter(None, (_("Đã lưu {path}.").format(path=target),
                                                        self.recorded_words(result)))))

        self.tasks.run(self._draw(target, record=True, reason=reason), saved, _("Đang lưu PDF..."))

    def print_(self) -> None:
        """The PDF "Lưu PDF" would write, printed page by page off the GUI thread (progress, cancel),
        landscape pages landscape (ui/shared/printing.py)."""
        reason = self._reason()
        decision = self.selected()
        if reason is None or decision is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(file_name(_("Giấy công nhận"), _("QĐ {number}").format(number=decision.number), ext="pdf"))
        width, height = (210.0, 297.0) if self.what.currentData() == "annex" else self._paper_mm()
        prepare(printer, QSizeF(width * 72 / 25.4, height * 72 / 25.4))
        if run_modal(QPrintDialog(printer, self)) != QPrintDialog.DialogCode.Accepted:
            return
        self.counter += 1
        path = self.folder / f"in-{self.counter}.pdf"
        draw = self._draw(path, record=True, reason=reason)

        def work(token: CancelToken) -> tuple[int, Any]:
            result = draw(token)  # cancelled while drawing: nothing recorded
            return print_pdf(path, printer, lambda: token.cancelled, token.report), result

        def sent(found: tuple[int, Any]) -> None:
            pages, result = found
            path.unlink(missing_ok=True)
            text = _("Đã gửi {pages} trang tới máy in.").format(pages=pages)
            self.window_.statusBar().showMessage(text, 8000)
            self.message.setText(" ".join(filter(None, (text, self.recorded_words(result)))))

        self.tasks.run(work, sent, _("Đang in..."))

    def _paper_mm(self) -> tuple[float, float]:
        """The chosen template's paper (width, height) in millimetres; A4 landscape if unknown."""
        try:
            return self.services.certificates.template(self.template.currentData() or "a4-landscape").size_mm
        except KbangError:
            return 297.0, 210.0
