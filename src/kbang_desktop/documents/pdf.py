"""Small drawing helpers shared by every PDF: text blocks in millimetres, QR codes, writing the file.

A page can also be laid out once as a `Page` of typed drawing operations (`TextRun`, `Rule`,
`PageImage`, `QrCode`), in points from the page's top-left corner, with every line break and every
position already decided (widths measured by ReportLab). `draw_page` puts them on a ReportLab canvas;
the window's printing (ui/shared/printing.py) paints the very same operations with QPainter onto a
printer, so the paper and the saved PDF are one layout.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas

from kbang_desktop.documents.fonts import STYLES, Family
from kbang_desktop.storage.files import write_atomic


def escape(text: str) -> str:
    """Text for a ReportLab Paragraph, which reads a little markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def style_font(family: Family, style: str) -> str:
    return {"regular": family.regular, "bold": family.bold, "italic": family.italic,
            "bold_italic": family.bold_italic}[style]


def style_file(family: Family, style: str) -> Path:
    """The TrueType file of one style of a family (what a printer renderer loads)."""
    return family.files[STYLES.index(style)]


@dataclass(frozen=True, slots=True)
class TextRun:
    """One line of text: its left end `x` (already aligned) and baseline `y`, in points from the top-left."""

    text: str
    font: str  # the name registered with ReportLab
    file: Path  # its TrueType file
    size: float
    x: float
    y: float
    width: float  # as ReportLab measures it (stringWidth)


@dataclass(frozen=True, slots=True)
class Rule:
    """A straight line `width` points thick, butt ends."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True, slots=True)
class PageImage:
    """A picture (PNG or JPEG bytes, e.g. a scan of pre-printed paper) stretched over a rectangle."""

    data: bytes
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code: `modules` × `modules` squares over a `side`-point square whose top-left is (x, y);
    `pixels` one byte a module, row by row, 0 dark and 255 light (the quiet zone is outside)."""

    x: float
    y: float
    side: float
    modules: int
    pixels: bytes

    def image(self) -> Image.Image:
        return Image.frombytes("L", (self.modules, self.modules), self.pixels)


Op = TextRun | Rule | PageImage | QrCode


@dataclass(frozen=True, slots=True)
class Page:
    """One laid-out page: its size in points and what is drawn on it, in order."""

    width: float
    height: float
    ops: tuple[Op, ...]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def aligned_x(x: float, width: float, align: str) -> float:
    """Where a line `width` wide starts when it is aligned at `x` (its centre, right end or left end)."""
    return x - width / 2 if align == "center" else x - width if align == "right" else x


def layout_lines(lines: list[str], x: float, top_baseline: float, font: str, file: Path, size: float,
                 align: str, leading: float) -> list[TextRun]:
    """Lines from a first baseline downwards (points from the top), each aligned at `x`."""
    runs = []
    y = top_baseline
    for line in lines:
        width = stringWidth(line, font, size)
        runs.append(TextRun(line, font, file, size, aligned_x(x, width, align), y, width))
        y += size * leading
    return runs


def qr_code(text: str, x: float, top: float, size: float, quiet: int = 2) -> QrCode:
    """The QR code of `text`, `size` points wide with its quiet zone, top-left corner at (x, top) from the top."""
    image = qr_image(text)
    box = size / (image.width + 2 * quiet)
    return QrCode(x + quiet * box, top + quiet * box, box * image.width, image.width, image.tobytes())


def draw_page(c: pdfcanvas.Canvas, page: Page, images: dict[int, ImageReader]) -> None:
    """Draw a laid-out page on a ReportLab canvas (not showPage). `images`: pictures already read in
    this document, by id of their bytes (a background is read once, stored once)."""
    height = page.height
    current: tuple[str, float] | None = None
    for op in page.ops:
        if isinstance(op, TextRun):
            if current != (op.font, op.size):
                c.setFont(op.font, op.size)
                current = (op.font, op.size)
            c.drawString(op.x, height - op.y, op.text)
        elif isinstance(op, Rule):
            c.setLineWidth(op.width)
            c.line(op.x1, height - op.y1, op.x2, height - op.y2)
        elif isinstance(op, PageImage):
            picture = images.get(id(op.data))
            if picture is None:
                picture = images[id(op.data)] = ImageReader(io.BytesIO(op.data))
            c.drawImage(picture, op.x, height - op.y - op.height, op.width, op.height)
        elif isinstance(op, QrCode):
            # One image per code: a few hundred bytes, drawn without smoothing by viewers and printers.
            c.drawImage(ImageReader(op.image()), op.x, height - op.y - op.side, op.side, op.side)


def draw_lines(c: pdfcanvas.Canvas, lines: list[str], x: float, top_baseline: float, font: str, size: float,
               align: str, leading: float) -> list[float]:
    """Draw lines (points, PDF coordinates) from a first baseline downwards; return their widths."""
    c.setFont(font, size)
    widths = []
    y = top_baseline
    for line in lines:
        width = stringWidth(line, font, size)
        widths.append(width)
        c.drawString(aligned_x(x, width, align), y, line)
        y -= size * leading
    return widths


def wrap(text: str, font: str, size: float, width_pt: float) -> list[str]:
    """Split on explicit line breaks, then wrap each paragraph inside `width_pt` (0: no wrapping)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += simpleSplit(paragraph, font, size, width_pt) if width_pt > 0 else [paragraph]
    return lines or [""]


def qr_image(text: str) -> Image.Image:
    """The QR code of `text` (UTF-8, error correction M, smallest version that fits), one pixel per module.

    zxing-cpp encodes in C++ (about 1.5 ms for a certificate's record, against 25 ms for the
    pure-Python encoders); its reader checks the printed code in the tests.
    """
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = code.to_image(scale=1, add_quiet_zones=False)
    height, width = pixels.shape
    return Image.frombytes("L", (width, height), bytes(pixels))


def save_pdf(path: Path, draw: Callable[[pdfcanvas.Canvas], None], pagesize: tuple[float, float],
             family: Family, title: str, subject: str = "", keywords: str = "") -> int:
    """Draw a PDF in memory and write it all or nothing (temporary file, fsync, rename); return its pages."""
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=pagesize, initialFontName=family.regular, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Kbang Desktop")
    c.setCreator("Kbang Desktop")
    if subject:
        c.setSubject(subject)
    if keywords:
        c.setKeywords(keywords)
    draw(c)
    pages = c.getPageNumber() - 1
    c.save()
    write_atomic(path, buffer.getvalue())
    return pages
