"""Official lists on A4 portrait: the annex of a recognition decision and the literacy completion list.

Layout of Decree 30/2020/NĐ-CP: margins top and bottom 20 mm, left 30 mm, right 15 mm; the issuing
body top left and the national title top right on the first page; page numbers centred at the top
from page 2; a table that breaks across pages with its header repeated. The wording is data
(resources/templates/lists.json).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from kbang_desktop.core.dates import document_date_phrase
from kbang_desktop.core.templates import authority_fields
from kbang_desktop.documents.fonts import Family, family
from kbang_desktop.documents.pdf import escape
from kbang_desktop.i18n import format_number
from kbang_desktop.paths import resource
from kbang_desktop.services.paperwork import Annex, Completions, Heading
from kbang_desktop.storage.files import write_atomic

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
HEADER_HEIGHT = 24 * mm


def wording() -> dict:
    return json.loads(resource("templates", "lists.json").read_text(encoding="utf-8"))


class Styles:
    def __init__(self, fonts: Family, cell_size: float = 12) -> None:
        self.fonts = fonts
        base = {"fontName": fonts.regular, "fontSize": 13, "leading": 16}
        self.title = ParagraphStyle("title", **{**base, "fontName": fonts.bold, "fontSize": 14, "leading": 18},
                                    alignment=TA_CENTER)
        self.subtitle = ParagraphStyle("subtitle", **{**base, "fontName": fonts.italic}, alignment=TA_CENTER)
        self.head = ParagraphStyle("head", **{**base, "fontName": fonts.bold, "fontSize": 12, "leading": 14},
                                   alignment=TA_CENTER)
        self.cell = ParagraphStyle("cell", **{**base, "fontSize": cell_size, "leading": cell_size + 2},
                                   alignment=TA_LEFT)
        self.number = ParagraphStyle("number", parent=self.cell, alignment=TA_RIGHT)
        self.centre = ParagraphStyle("centre", parent=self.cell, alignment=TA_CENTER)
        self.body = ParagraphStyle("body", **base)
        self.sign = ParagraphStyle("sign", **{**base, "fontName": fonts.bold}, alignment=TA_CENTER)
        self.place = ParagraphStyle("place", **{**base, "fontName": fonts.italic}, alignment=TA_CENTER)


def draw_heading(c: pdfcanvas.Canvas, heading: Heading, fonts: Family, page_width: float, page_height: float) -> None:
    """Issuing body (left) and national title with motto (right), each with its rule, on the first page."""
    left_centre = MARGINS["left"] + 35 * mm
    right_centre = page_width - MARGINS["right"] - 52 * mm
    top = page_height - MARGINS["top"] - 4 * mm
    c.setFont(fonts.bold, 13)
    for i, line in enumerate(("ỦY BAN NHÂN DÂN", heading.issuer_unit)):
        c.drawCentredString(left_centre, top - i * 15, line)
    short = stringWidth(heading.issuer_unit, fonts.bold, 13) / 3
    c.setLineWidth(0.6)
    c.line(left_centre - short / 2, top - 15 - 6, left_centre + short / 2, top - 15 - 6)
    c.setFont(fonts.bold, 12.5)
    c.drawCentredString(right_centre, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont(fonts.bold, 13.5)
    motto = "Độc lập - Tự do - Hạnh phúc"
    c.drawCentredString(right_centre, top - 15, motto)
    width = stringWidth(motto, fonts.bold, 13.5)
    c.line(right_centre - width / 2, top - 15 - 6, right_centre + width / 2, top - 15 - 6)


def draw_page_number(c: pdfcanvas.Canvas, fonts: Family, page_width: float, page_height: float) -> None:
    c.setFont(fonts.regular, 13)
    c.drawCentredString(MARGINS["left"] + (page_width - MARGINS["left"] - MARGINS["right"]) / 2,
                        page_height - MARGINS["top"] / 2 - 4, str(c.getPageNumber()))


class _Count(Flowable):
    """Zero-size marker that remembers how many pages the document had."""

    def __init__(self, holder: list[int]) -> None:
        super().__init__()
        self.holder = holder

    def wrap(self, _w: float, _h: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.holder.append(self.canv.getPageNumber())


def official_list(out: Path, heading: Heading, title: str, subtitle: str, columns: Sequence[str],
                  rows: Sequence[Sequence[object]], widths_mm: Sequence[float], total_line: str,
                  numeric: set[int] = frozenset(), signature: bool = True, pdf_title: str = "",
                  cell_size: float = 12) -> int:
    """Write one list (all or nothing) and return its number of pages."""
    import io

    fonts = family("Times New Roman")
    styles = Styles(fonts, cell_size)
    page_width, page_height = A4
    story: list[Flowable] = [Spacer(1, HEADER_HEIGHT)]
    story += [Paragraph(escape(line), styles.title) for line in title.split("\n")]
    if subtitle:
        story.append(Paragraph(escape(subtitle), styles.subtitle))
    story.append(Spacer(1, 6 * mm))
    header = [Paragraph(escape(c), styles.head) for c in columns]
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            style = styles.number if index in numeric else styles.centre if index == 0 else styles.cell
            cells.append(Paragraph(escape("" if value is None else str(value)), style))
        body.append(cells)
    table = Table([header, *body], colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),  # else the table sets Helvetica, which is not embedded
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(table)
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(escape(total_line), styles.body))
    if signature:
        sign = Table([["", Paragraph(escape(heading.place_date), styles.place)],
                      ["", Paragraph("<br/>".join(escape(x) for x in ("TM. ỦY BAN NHÂN DÂN", *heading.signer_title)),
                                     styles.sign)],
                      ["", Spacer(1, 22 * mm)],
                      ["", Paragraph(escape(heading.signer_name), styles.sign)]],
                     colWidths=[75 * mm, 90 * mm], style=[("FONTNAME", (0, 0), (-1, -1), fonts.regular)])
        story.append(KeepTogether([Spacer(1, 5 * mm), sign]))
    pages: list[int] = []
    story.append(_Count(pages))

    def first(c: pdfcanvas.Canvas, _doc: object) -> None:
        draw_heading(c, heading, fonts, page_width, page_height)

    def later(c: pdfcanvas.Canvas, _doc: object) -> None:
        draw_page_number(c, fonts, page_width, page_height)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
                            topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"], title=pdf_title or title,
                            author="Kbang Desktop", creator="Kbang Desktop", initialFontName=fonts.regular)
    doc.build(story, onFirstPage=first, onLaterPages=later)
    write_atomic(out, buffer.getvalue())
    return pages[-1] if pages else 1


def annex_pdf(annex: Annex, out: Path, authority: str = "chairman") -> int:
    """The list attached to a recognition decision; `authority`, who decides (the certificate template's),
    names the decision's author as the certificates do."""
    text = wording()["annex"]
    model = text["models"][annex.kind]
    columns = [c.format(name_column=model["name_column"]) for c in text["columns"]]
    subtitle = text["subtitle"].format(number=annex.number, date=document_date_phrase("", annex.decided_on)[2:],
                                       issuer_name=annex.heading.issuer_name,
                                       decided_by=authority_fields(authority, annex.heading.issuer_name)["decided_by"])
    rows = [(r.position, r.name, r.address, _points(r.total), "") for r in annex.rows]
    return official_list(out, annex.heading, model["title"].format(year=annex.year), subtitle, columns, rows,
                         (13, 52, 60, 22, 18), text["total"].format(count=format_number(len(rows)), unit=model["unit"]),
                         numeric={3}, signature=False, pdf_title=f"Danh sách kèm theo Quyết định số {annex.number}")


def _points(value: object) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ddmmyyyy(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def completions_pdf(data: Completions, out: Path) -> int:
    """The learners of a class who completed phase 1 or phase 2 (no ethnicity: the list is posted)."""
    text = wording()["completions"]
    rows = [(i, r.name, r.birth, r.sex, r.village, r.result, _ddmmyyyy(r.completed_on))
            for i, r in enumerate(data.rows, 1)]
    subtitle = text["subtitle"].format(class_name=data.class_name, centre_name=data.centre_name,
                                       start=_ddmmyyyy(data.start_date))
    return official_list(out, data.heading, text["title"].format(phase=data.phase), subtitle, text["columns"], rows,
                         (11, 40, 22, 13, 32, 24, 23), text["total"].format(count=format_number(len(rows))),
                         signature=True, cell_size=11)
