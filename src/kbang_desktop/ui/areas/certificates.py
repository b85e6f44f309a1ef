"""Giấy công nhận: pick a decision, preview its certificates or annex exactly as they print, print or save."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QSizeF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.templates import authority_fields, default_recognition, parse_template
from kbang_desktop.i18n import N_, _
from kbang_desktop.services.learning_models import MODEL_NAMES
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask_text, run_modal
from kbang_desktop.ui.shared.printing import prepare, print_pages, print_pdf
from kbang_desktop.ui.shared.tables import ListModel, reload_keeping_selection, table
from kbang_desktop.ui.shared.tasks import CancelToken
from kbang_desktop.ui.shared.widgets import ListSplitter, file_name
from kbang_desktop.ui.shared.words import DECISION_COLUMNS, template_name


class CertificatesArea(Area):
    title = N_("Giấy công nhận")
    shows = frozenset({"decision", "decision_entry", "office_setting"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Giấy công nhận") + "</h2>"))
        split = ListSplitter()
        left = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(left)
        self.decisions = ListModel(DECISION_COLUMNS[:5], (), self)
        self.list = table(self.decisions, "decisions_for_certificates")
        self.list.selectionModel().selectionChanged.connect(lambda *_a: self.preview())
        left.addWidget(self.list)
        options = QVBoxLayout()
        self.what = QComboBox()
        self.what.setObjectName("what")
        self.what.addItem(_("Giấy công nhận"), "certificates")
        self.what.addItem(_("Danh sách kèm theo quyết định"), "annex")
        self.what.currentIndexChanged.connect(lambda _i: self.preview())
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.template.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Khổ A4, in ngang" whole
        self.template.currentIndexChanged.connect(lambda _i: self.preview())
        options.addWidget(self.what)  # one above the other: each name whole in the narrow pane
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
        self.edit_template_button = QPushButton(_("Sửa lời văn và người ký của mẫu..."))
        self.edit_template_button.setObjectName("edit_template")
        self.edit_template_button.setToolTip(_("Lời công nhận của từng mô hình và ai quyết định (quản trị viên)"))
        self.edit_template_button.setEnabled(self.is_admin)
        self.edit_template_button.clicked.connect(lambda: self.edit_template())
        left.addWidget(self.edit_template_button)
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
        split.fit_list(self.list)
        layout.addWidget(split, 1)
        # The previews (and the annex sent to a printer) are drawn into a folder of their own, deleted
        # with the area (the window closed, a log-out) or when the program ends; a new preview replaces
        # the file of the one before.
        self.folder = Path(tempfile.mkdtemp(prefix="kbang-preview-"))
        folder, document = self.folder, self.document

        def clean_up(*_args: Any) -> None:
            if shiboken6.isValid(document):
                document.close()  # Windows keeps a file open in a viewer from being deleted
            shutil.rmtree(folder, ignore_errors=True)

        self.destroyed.connect(clean_up)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(clean_up)
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
            self.template.setMinimumWidth(self.template.sizeHint().width())  # never "Khổ A4, in r"

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

                return annex_pdf(services.paperwork.annex(decision.id), out,
                                 services.certificates.template(template).authority)
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
            before, self.preview_path = self.preview_path, path
            self.document.load(str(path))
            if before is not None and before != path:
                before.unlink(missing_ok=True)
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
        """Printed page by page off the GUI thread (progress, cancel), each page in its paper and
        orientation (ui/shared/printing.py). Certificates: the pages "Lưu PDF" saves, painted straight
        onto the printer from the same layout, recording exactly what "Lưu PDF" records (nothing when
        cancelled or when the printer fails). The annex: the PDF "Lưu PDF" writes, page by page."""
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
        if self.what.currentData() == "annex":
            self.counter += 1
            path = self.folder / f"in-{self.counter}.pdf"
            draw = self._draw(path, record=True, reason=reason)

            def work(token: CancelToken) -> tuple[int, Any]:
                result = draw(token)
                try:
                    return print_pdf(path, printer, lambda: token.cancelled, token.report), result
                finally:
                    path.unlink(missing_ok=True)
        else:
            services, template = self.services, self.template.currentData() or "a4-landscape"

            def work(token: CancelToken) -> tuple[int, Any]:
                from kbang_desktop.documents.certificates import issue_decision, layout_certificate

                def output(paper: Any, sheets: list[Any]) -> int:  # one page laid out at a time
                    return print_pages(printer, (layout_certificate(paper, sheet) for sheet in sheets), len(sheets),
                                       lambda: token.cancelled, token.report)

                result = issue_decision(services.certificates, decision.id, output, template, reason, record=True,
                                        check=token.check)  # cancelled or failed: nothing recorded
                return result.pages, result

        def sent(found: tuple[int, Any]) -> None:
            pages, result = found
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

    def edit_template(self) -> None:
        """Administrators change the chosen template's wording per model and who decides; saved as the
        office's own version of the template (it travels to the hub), then the preview is drawn again."""
        name, services = self.template.currentData() or "a4-landscape", self.services

        def opened(text: str) -> None:
            data = json.loads(text)
            dialog = TemplateDialog(self, data)
            if not dialog.confirmed():
                return
            changed = dialog.data()

            def saved(template: Any) -> None:
                self.message.setText(_("Đã lưu mẫu {name}.").format(name=template_name(template.name)))
                self.previewed = None
                self.preview()

            self.tasks.run(lambda: services.certificates.save_template(changed), saved)

        self.tasks.run(lambda: services.certificates.template_json(name), opened)


AUTHORITY_WORDS = (("chairman", N_("Chủ tịch Ủy ban nhân dân xã quyết định (ký: CHỦ TỊCH)")),
                   ("committee", N_("Ủy ban nhân dân xã quyết định (ký: TM. ỦY BAN NHÂN DÂN, CHỦ TỊCH)")))


class TemplateDialog(Dialog):
    """The data of a certificate template a commune changes most: who decides (which the signature block
    and "Theo Quyết định ... của ..." follow), and per model the title and the sentence of recognition."""

    def __init__(self, parent: QWidget, data: dict[str, Any]) -> None:
        super().__init__(parent, _("Mẫu giấy công nhận: {name}").format(name=template_name(data["name"])), form=False)
        self.original = data
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.authority = QComboBox()
        self.authority.setObjectName("authority")
        for code, words in AUTHORITY_WORDS:
            self.authority.addItem(_(words), code)
        self.authority.setCurrentIndex(max(0, self.authority.findData(data.get("authority", "chairman"))))
        form.addRow(_("Ai quyết định"), self.authority)
        self.signature = QLabel("")
        self.signature.setObjectName("signature")
        self.signature.setWordWrap(True)
        form.addRow(_("Trên giấy"), self.signature)
        layout.addLayout(form)
        note = QLabel(_("Lời công nhận của từng mô hình. Trường có thể dùng: {fields}; xuống dòng bằng Enter.").format(
            fields="{name}, {honorific}, {honorific_lower}, {model_title}, {model_year}"))
        note.setWordWrap(True)
        layout.addWidget(note)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>" + _("Mô hình") + "</b>"), 0, 0)
        grid.addWidget(QLabel("<b>" + _("Danh hiệu") + "</b>"), 0, 1)
        grid.addWidget(QLabel("<b>" + _("Lời công nhận") + "</b>"), 0, 2)
        self.titles: dict[str, QLineEdit] = {}
        self.sentences: dict[str, QPlainTextEdit] = {}
        for row, (kind, wording) in enumerate(data.get("models", {}).items(), 1):
            title = QLineEdit(wording.get("title", ""))
            title.setObjectName(f"title_{kind}")
            title.setMinimumWidth(title.fontMetrics().horizontalAdvance("CỘNG ĐỒNG HỌC TẬP CẤP THÔN") + 24)
            sentence = QPlainTextEdit(wording.get("recognition") or default_recognition(wording.get("subject", "")))
            sentence.setObjectName(f"recognition_{kind}")
            sentence.setFixedHeight(sentence.fontMetrics().lineSpacing() * 3 + 12)
            grid.addWidget(QLabel(_(MODEL_NAMES.get(kind, kind))), row, 0)
            grid.addWidget(title, row, 1)
            grid.addWidget(sentence, row, 2)
            self.titles[kind], self.sentences[kind] = title, sentence
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.problem = QLabel("")
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.add_buttons(layout=layout, on_save=self.check)
        self.authority.currentIndexChanged.connect(lambda _i: self.show_signature())
        self.show_signature()
        self.resize(820, 480)

    def show_signature(self) -> None:
        fields = authority_fields(self.authority.currentData(), "xã ...")  # the paper's words, Vietnamese
        block = " / ".join(filter(None, (fields["signer_for"], "CHỦ TỊCH")))
        self.signature.setText(_("Theo Quyết định số ... của {decided_by}. Khối chữ ký: {block}; khi Phó Chủ tịch ký: "
                                 "{deputy}.").format(decided_by=fields["decided_by"], block=block,
                                                     deputy=" / ".join(filter(None, (fields["signer_for"],
                                                                                     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")))))

    def check(self) -> None:
        """Save only a template that the same rules accept; else say what is wrong and stay open."""
        try:
            parse_template(self.data())
        except KbangError as error:
            self.problem.setText(error.translated())
            return
        self.accept()

    def data(self) -> dict[str, Any]:
        """The template as it will be saved (checked by the service before saving)."""
        changed = json.loads(json.dumps(self.original))
        changed["authority"] = self.authority.currentData()
        for kind, title in self.titles.items():
            changed["models"][kind]["title"] = title.text().strip()
            changed["models"][kind]["recognition"] = self.sentences[kind].toPlainText().strip()
        return changed
