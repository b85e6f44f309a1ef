"""Small drawing helpers shared by every PDF: text blocks in millimetres, QR codes, writing the file."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import zxingcpp
from PIL import Image
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas

from kbang_desktop.documents.fonts import Family
from kbang_desktop.storage.files import write_atomic


def escape(text: str) -> str:
    """Text for a ReportLab Paragraph, which reads a little markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def style_font(family: Family, style: str) -> str:
    return {"regular": family.regular, "bold": family.bold, "italic": family.italic,
            "bold_italic": family.bold_italic}[style]


def draw_lines(c: pdfcanvas.Canvas, lines: list[str], x: float, top_baseline: float, font: str, size: float,
               align: str, leading: float) -> list[float]:
    """Draw lines (points, PDF coordinates) from a first baseline downwards; return their widths."""
    c.setFont(font, size)
    widths = []
    y = top_baseline
    for line in lines:
        width = stringWidth(line, font, size)
        widths.append(width)
        if align == "center":
            c.drawString(x - width / 2, y, line)
        elif align == "right":
            c.drawString(x - width, y, line)
        else:
            c.drawString(x, y, line)
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


def draw_qr(c: pdfcanvas.Canvas, text: str, x: float, top: float, size: float, quiet: int = 2) -> None:
    """A QR code `size` points wide (quiet zone included) with its top-left corner at (x, top)."""
    image = qr_image(text)
    box = size / (image.width + 2 * quiet)
    side = box * image.width
    # One image per code: a few hundred bytes, drawn without smoothing by viewers and printers.
    c.drawImage(ImageReader(image), x + quiet * box, top - quiet * box - side, side, side)


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
