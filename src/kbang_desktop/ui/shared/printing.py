"""Printing a PDF (the very file "Lưu PDF" writes) on a printer: page by page, each page in its own
orientation (an A4-landscape certificate prints landscape, not shrunk onto a portrait page), at the
printer's resolution up to MAX_DPI, one page's picture in memory at a time, in a worker thread
(Qt allows QPainter on a QPrinter off the GUI thread) with progress and cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from kbang_desktop.core.errors import KbangError
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
