"""Help: the user guide and the hub administrator's page in a window beside the work, and as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QUrl
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout

from kbang_desktop import i18n
from kbang_desktop.i18n import _
from kbang_desktop.paths import guide_file
from kbang_desktop.ui.shared.widgets import file_name


def load_guide(browser: QTextBrowser, which: str) -> Path:
    """Show the guide in the current language (Vietnamese when there is no page in it)."""
    lang = "en" if i18n.current_language() == "en" else "vi"
    path = guide_file(which, lang)
    browser.setSearchPaths([str(path.parent)])
    browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
    fit_images(browser.document(), IMAGE_WIDTH)
    return path


IMAGE_WIDTH = 560  # pixels: the screenshots fit the window and an A4 page


def fit_images(document: QTextDocument, width: int) -> None:
    """Screenshots shown no wider than `width`, keeping their proportions."""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image_format = fmt.toImageFormat()
                image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(image_format.name()))
                if image is not None and hasattr(image, "width") and image.width() > width:
                    image_format.setWidth(width)
                    image_format.setHeight(image.height() * width / image.width())
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image_format)
            it += 1
        block = block.next()


def write_pdf(document: QTextDocument, target: Path) -> Path:
    """The guide as an A4 PDF (fonts embedded by Qt), drawn in memory and written all or nothing."""
    from kbang_desktop.storage.files import write_atomic

    data = QBuffer()
    data.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(data)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(20, 20, 15, 20), QPageLayout.Unit.Millimeter)
    writer.setTitle(document.metaInformation(QTextDocument.MetaInformation.DocumentTitle) or "Kbang Desktop")
    writer.setCreator("Kbang Desktop")
    document.print_(writer)
    del writer  # the PDF is complete once its writer is gone
    write_atomic(target, bytes(data.data()))
    return target


class HelpDialog(QDialog):
    def __init__(self, parent: Any, which: str = "guide") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Hướng dẫn sử dụng") if which == "guide" else _("Dành cho đơn vị đầu mối"))
        self.resize(self.fontMetrics().horizontalAdvance("n") * 110, self.fontMetrics().height() * 40)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide")
        self.browser.setOpenExternalLinks(True)
        self.path = load_guide(self.browser, which)
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        save = QPushButton(_("Lưu thành PDF..."))
        save.setObjectName("save_pdf")
        save.clicked.connect(lambda: self.save_pdf())
        close = QPushButton(_("Đóng"))
        close.clicked.connect(self.close)
        row.addStretch(1)
        row.addWidget(save)
        row.addWidget(close)
        layout.addLayout(row)

    def save_pdf(self, target: Path | None = None) -> Path | None:
        if target is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Lưu thành PDF..."),
                                                          str(Path.home() / file_name(self.windowTitle(), ext="pdf")),
                                                          "PDF (*.pdf)")
            if not chosen:
                return None
            target = Path(chosen)
        return write_pdf(self.browser.document(), target)
