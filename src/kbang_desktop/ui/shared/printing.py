"""Printing on a printer, page by page, each page in its own orientation (an A4-landscape certificate
prints landscape, not shrunk onto a portrait page), in a worker thread (Qt allows QPainter on a
QPrinter off the GUI thread) with progress and cancel.

Certificates (`print_pages`): the pages "Lưu PDF" saves, laid out once by documents/ as drawing
operations (documents.pdf.Page), painted here with QPainter straight onto the printer: vector text in
the same TrueType files at the same positions, rules, the QR code (a pixel a module, as in the PDF),
the background picture. Nothing is rasterised and nothing is kept from one page to the next but the fonts and the
background picture.

Any other PDF (`print_pdf`, the annex list): rendered page by page at the printer's resolution up to
MAX_DPI, one page's picture in memory at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QRawFont,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.pdf import Page, PageImage, QrCode, Rule, TextRun
from kbang_desktop.i18n import N_

# A page's picture is drawn at the printer's resolution, but never finer than this: a 1200-dpi A4 page
# is a 557 MB picture; at 300 dpi it is 35 MB and the text is as sharp as a laser printer's toner.
MAX_DPI = 300


def page_layout(size_pt: QSizeF) -> QPageLayout:
    """The paper of a PDF page (its size in points) in the orientation it was drawn in."""
    short, long = sorted((size_pt.width(), size_pt.height()))
    paper = QPageSize(QSizeF(short, long), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    landscape = size_pt.width() > size_pt.height()
    return QPageLayout(paper, QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
                       QMarginsF(0, 0, 0, 0))


# Rows of the page's picture handed to the printer at a time. Each QPainter.drawImage holds Python's
# GIL for as long as it works (a whole 300-dpi page: about 0.3 s into Qt's PDF engine), which would
# freeze the window although the printing runs in another thread; a strip takes about 30 ms.
STRIP_ROWS = 256


def draw_in_strips(painter: QPainter, image: QImage, target: QRectF, cancelled: Callable[[], bool]) -> None:
    """`image` (the rendered page, transparent where nothing is drawn) drawn on white paper over
    `target`, STRIP_ROWS rows at a time (the strips meet exactly; no alpha channel is sent along)."""
    scale = target.height() / image.height()
    for top in range(0, image.height(), STRIP_ROWS):
        rows = min(STRIP_ROWS, image.height() - top)
        strip = QImage(image.width(), rows, QImage.Format.Format_RGB32)
        strip.fill(0xFFFFFF)
        paper = QPainter(strip)
        paper.drawImage(0, 0, image, 0, top, image.width(), rows)
        paper.end()
        painter.drawImage(QRectF(target.x(), target.y() + top * scale, target.width(), rows * scale), strip)
        if cancelled():
            return


_FONTS: dict[Path, tuple[str, str]] = {}  # a TrueType file -> its family and style, once registered
_FONTS_LOCK = threading.Lock()


def font_for(file: Path, size: float) -> QFont:
    """The font of a TrueType file (registered with Qt once; the same file ReportLab measured and
    embeds), `size` points, unhinted and unkerned so that widths are the file's own, as ReportLab's."""
    with _FONTS_LOCK:
        if file not in _FONTS:
            found = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(file)))
            raw = QRawFont(str(file), 12)
            _FONTS[file] = (found[0] if found else raw.familyName(), raw.styleName())
        family, style = _FONTS[file]
    font = QFont(family)
    font.setStyleName(style)
    font.setPointSizeF(size)
    font.setKerning(False)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


class PagePainter:
    """Paints laid-out pages on a printer (one job), in points scaled to the printer's device pixels.
    Keeps only the fonts and pictures of the job (a background is one picture for every page)."""

    def __init__(self, printer: QPrinter) -> None:
        self.printer = printer
        self.fonts: dict[tuple[Path, float], QFont] = {}
        self.images: dict[int, tuple[bytes, QImage]] = {}
        self.pen = QPen(QColor(0, 0, 0))
        self.pen.setCapStyle(Qt.PenCapStyle.FlatCap)

    def font(self, run: TextRun) -> QFont:
        key = (run.file, run.size)
        if key not in self.fonts:
            self.fonts[key] = font_for(run.file, run.size)
        return self.fonts[key]

    def image(self, op: PageImage) -> QImage:
        kept = self.images.get(id(op.data))
        if kept is None or kept[0] is not op.data:
            kept = self.images[id(op.data)] = (op.data, QImage.fromData(op.data))
        return kept[1]

    def paint(self, painter: QPainter, page: Page) -> None:
        """One page, its top-left corner at the paper's (full-page mode), at its own size; shrunk and
        centred only if the paper is smaller than the page."""
        px = self.printer.resolution() / 72  # device pixels per point
        paper = self.printer.paperRect(QPrinter.Unit.DevicePixel)
        fit = min(1.0, paper.width() / (page.width * px), paper.height() / (page.height * px))
        if fit > 0.995:  # Qt's A4 is 595 × 842 whole points, the page 595.28 × 841.89: print it at its size
            fit = 1.0
        painter.save()
        painter.translate((paper.width() - page.width * px * fit) / 2, (paper.height() - page.height * px * fit) / 2)
        painter.scale(fit, fit)
        font: QFont | None = None
        painter.setPen(QColor(0, 0, 0))
        text_pen = True
        for op in page.ops:
            if isinstance(op, TextRun):
                if op.text:
                    wanted = self.font(op)
                    if wanted is not font:
                        painter.setFont(wanted)
                        font = wanted
                    if not text_pen:
                        painter.setPen(QColor(0, 0, 0))
                        text_pen = True
                    painter.drawText(QPointF(op.x * px, op.y * px), op.text)
            elif isinstance(op, Rule):
                self.pen.setWidthF(op.width * px)
                painter.setPen(self.pen)
                text_pen = False
                painter.drawLine(QPointF(op.x1 * px, op.y1 * px), QPointF(op.x2 * px, op.y2 * px))
            elif isinstance(op, PageImage):
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(QRectF(op.x * px, op.y * px, op.width * px, op.height * px), self.image(op))
            elif isinstance(op, QrCode):
                # One small picture, a pixel a module, enlarged without smoothing (as in the saved PDF):
                # sharp on paper, and 30 times cheaper for the printer than a thousand squares.
                code = QImage(op.pixels, op.modules, op.modules, op.modules, QImage.Format.Format_Grayscale8).copy()
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
                painter.drawImage(QRectF(op.x * px, op.y * px, op.side * px, op.side * px), code)
        painter.restore()


def print_pages(printer: QPrinter, pages: Iterable[Page], total: int, cancelled: Callable[[], bool] = lambda: False,
                progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Paint laid-out pages on `printer`, each in its own paper and orientation, vector; returns the
    number of pages printed. `pages` is read one at a time (a generator lays out each as it comes).
    When `cancelled()` turns true the job is aborted (the spooler drops it); when anything fails, too.
    Any thread."""
    painter = QPainter()
    drawer = PagePainter(printer)
    printed = 0
    current: QPageLayout | None = None
    try:
        for page in pages:
            if cancelled():
                if painter.isActive():
                    printer.abort()
                break
            wanted = page_layout(QSizeF(page.width, page.height))
            if current is None:
                printer.setFullPage(True)  # the painter's origin is the paper's corner, as the PDF page's
                printer.setPageLayout(wanted)
                if not painter.begin(printer):
                    raise KbangError(N_("Không mở được máy in {name}. Kiểm tra máy in đã bật và đã nối với máy tính."),
                                     name=printer.printerName() or printer.outputFileName())
            else:
                if not wanted.isEquivalentTo(current):
                    printer.setPageLayout(wanted)
                if not printer.newPage():
                    raise KbangError(N_("Máy in {name} ngừng nhận trang sau {pages} trang. Kiểm tra máy in rồi in lại."),
                                     name=printer.printerName() or printer.outputFileName(), pages=printed)
            current = wanted
            drawer.paint(painter, page)
            printed += 1
            progress(printed, total)
    except BaseException:
        if painter.isActive():
            printer.abort()
        raise
    finally:
        if painter.isActive():
            painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise KbangError(N_("Máy in {name} báo lỗi; chưa in xong. Kiểm tra máy in rồi in lại."),
                         name=printer.printerName() or printer.outputFileName())
    return printed


def prepare(printer: QPrinter, first_page_pt: QSizeF) -> None:
    """Before the print dialog: the paper and orientation of the document's first page."""
    printer.setPageLayout(page_layout(first_page_pt))


def print_pdf(path: Path, printer: QPrinter, cancelled: Callable[[], bool] = lambda: False,
              progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Print every page of the PDF at `path`; returns the number of pages printed. Stops (and ends the
    job) when `cancelled()` turns true. Any thread; one page's picture in memory at a time."""
    document = QPdfDocument()
    document.load(str(path))
    total = document.pageCount()
    if total == 0:
        raise KbangError(N_("Không đọc được tệp in {path}."), path=str(path))
    printer.setPageLayout(page_layout(document.pagePointSize(0)))
    painter = QPainter()
    if not painter.begin(printer):
        raise KbangError(N_("Không mở được máy in {name}. Kiểm tra máy in đã bật và đã nối với máy tính."),
                         name=printer.printerName() or printer.outputFileName())
    printed = 0
    try:
        dpi = min(printer.resolution(), MAX_DPI)
        for page in range(total):
            if cancelled():
                printer.abort()
                break
            size = document.pagePointSize(page)
            if page:
                printer.setPageLayout(page_layout(size))
                printer.newPage()
            area = printer.pageRect(QPrinter.Unit.DevicePixel)
            scale = min(area.width() / size.width(), area.height() / size.height())  # device pixels per point
            target = QSizeF(size.width() * scale, size.height() * scale)
            picture = min(1.0, dpi / printer.resolution()) * scale
            image = document.render(page, QSize(round(size.width() * picture), round(size.height() * picture)))
            corner = QPointF((area.width() - target.width()) / 2, (area.height() - target.height()) / 2)
            draw_in_strips(painter, image, QRectF(corner, target), cancelled)
            del image
            printed += 1
            progress(printed, total)
    finally:
        painter.end()
    document.close()
    return printed
