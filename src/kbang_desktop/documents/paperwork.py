"""The papers of a year of learning models, as PDF (A4, Decree 30/2020 layout) and XLSX.

The registration list of a village, the scoring sheets (phiếu đánh giá) for evaluation on paper, the
minutes of the village review meeting (biên bản bình xét) with the list it proposes, the register of
certificates issued (sổ theo dõi cấp giấy công nhận) and the commune's yearly report. The facts come
from services/paperwork.py; the wording is data (resources/templates/paperwork.json); each paper is
first laid out as a `Layout` (heading, title, paragraphs, tables, signature blocks) that one PDF
writer and one XLSX writer draw. Ethnicity, disability and ID numbers are never part of the facts.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from kbang_desktop.core.dates import document_date_phrase
from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.cells import put
from kbang_desktop.documents.fonts import Family, family
from kbang_desktop.documents.lists import MARGINS, Styles, _Count
from kbang_desktop.documents.pdf import escape
from kbang_desktop.i18n import N_, format_number, format_percent
from kbang_desktop.paths import resource
from kbang_desktop.services.paperwork import (
    CertificateRegister,
    Place,
    ScoringSheet,
    YearList,
    YearReport,
)
from kbang_desktop.storage.files import write_atomic

FORMATS = ("pdf", "xlsx")
COMMITTEE = "ỦY BAN NHÂN DÂN"
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"


def wording() -> dict:
    return json.loads(resource("templates", "paperwork.json").read_text(encoding="utf-8"))


# --- the layout every paper is made of ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Grid:
    """A table: its heading line (may be ""), columns, rows of values (numbers stay numbers for XLSX)."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    widths_mm: tuple[float, ...]
    bold_rows: frozenset[int] = frozenset()
    centred: frozenset[int] = frozenset({0})
    small: frozenset[int] = frozenset()  # columns in smaller type (a verification code kept on one line)


@dataclass(frozen=True, slots=True)
class Sign:
    lines: tuple[str, ...]  # the bold lines: "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    name: str = ""
    hint: str = ""  # "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True, slots=True)
class Layout:
    upper: str  # the body above the issuer ("UBND XÃ KÔNG BƠ LA"), or "" when the issuer is the committee
    lower: str  # the issuer ("XÃ KÔNG BƠ LA" under "ỦY BAN NHÂN DÂN", or "LÀNG KON LỐC")
    title: str
    subtitle: str = ""
    number: str = ""  # "Số: 25/BC-UBND"
    place_date: str = ""
    date_on_top: bool = False  # under the motto (reports) instead of above the signatures (lists)
    before: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # small print after `before` (the criteria set's source on a scoring sheet)
    grids: tuple[Grid, ...] = ()
    after: tuple[str, ...] = ()
    signs: tuple[Sign, ...] = ()
    footer: tuple[str, ...] = ()  # "Nơi nhận:" and its lines, small, at the bottom left
    wide: bool = False  # A4 landscape
    pdf_title: str = ""
    sheet_name: str = "Danh sách"
    cell_size: float = 12  # the tables' text (a scoring sheet is kept to one page where it can)


def heading_of(place: Place) -> tuple[str, str]:
    """(upper, lower) of the issuer block: the committee of the commune, or a village of it."""
    if place.village:
        return "UBND " + place.commune_unit, place.village.upper()
    return COMMITTEE, place.commune_unit


def _text(value: Any) -> str:
    """A value as printed: 1.234, 99,5, 05/12/2026, 70%."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, Decimal):
        return format_number(value.normalize() if value == value.to_integral() else value)
    if isinstance(value, Fraction):
        return format_percent(float(value), 1)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write(layout: Layout, out: Path) -> int:
    """Write `layout` as PDF or XLSX by the file's suffix (all or nothing); return its pages or sheets."""
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise KbangError(N_("Tệp phải có đuôi .pdf hoặc .xlsx: {path}"), path=str(out))
    return _pdf(layout, out) if suffix == "pdf" else _xlsx(layout, out)


# --- PDF ----------------------------------------------------------------------------------------

class _Heading(Flowable):
    """The issuer (left) and the national title with the motto (right), each with its rule (Decree 30),
    at the top of a paper's first page; a flowable, so that one PDF holds many papers (scoring sheets)."""

    def __init__(self, layout: Layout, fonts: Family, usable: float, starts: list[int]) -> None:
        super().__init__()
        self.layout, self.fonts, self.usable, self.starts = layout, fonts, usable, starts

    def wrap(self, _w: float, _h: float) -> tuple[float, float]:
        return self.usable, (24 + (7 if self.layout.number or self.layout.date_on_top else 0)) * mm

    def draw(self) -> None:
        c, layout, fonts = self.canv, self.layout, self.fonts
        self.starts.append(c.getPageNumber())
        _w, height = self.wrap(0, 0)
        left_centre = 35 * mm if not layout.wide else 45 * mm
        right_centre = self.usable - (52 * mm if not layout.wide else 60 * mm)
        top = height - 4 * mm
        if layout.upper and layout.upper != COMMITTEE:
            c.setFont(fonts.regular, 12.5)
        else:
            c.setFont(fonts.bold, 13)
        c.drawCentredString(left_centre, top, layout.upper or COMMITTEE)
        y = top - 15
        c.setFont(fonts.bold, 13)
        c.drawCentredString(left_centre, y, layout.lower)
        short = stringWidth(layout.lower, fonts.bold, 13) / 3
        c.setLineWidth(0.6)
        c.line(left_centre - short / 2, y - 6, left_centre + short / 2, y - 6)
        if layout.number:
            c.setFont(fonts.regular, 13)
            c.drawCentredString(left_centre, y - 22, layout.number)
        c.setFont(fonts.bold, 12.5)
        c.drawCentredString(right_centre, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        motto = "Độc lập - Tự do - Hạnh phúc"
        c.setFont(fonts.bold, 13.5)
        c.drawCentredString(right_centre, top - 15, motto)
        motto_width = stringWidth(motto, fonts.bold, 13.5)
        c.line(right_centre - motto_width / 2, top - 21, right_centre + motto_width / 2, top - 21)
        if layout.date_on_top and layout.place_date:
            c.setFont(fonts.italic, 13)
            c.drawCentredString(right_centre, top - 37, layout.place_date)


def _signatures(layout: Layout, styles: Styles, fonts: Family, usable: float) -> Flowable | None:
    """The signature blocks side by side: the date line above the last one, each role with its hint, then
    the room to sign and the names, all on one line."""
    if not layout.signs:
        return None
    count = len(layout.signs)
    widths = [usable / count] * count if count > 1 else [usable * 0.45, usable * 0.55]
    hint = ParagraphStyle("hint", parent=styles.place, fontSize=12, leading=14)
    tops, names = [], []
    for sign in layout.signs:
        parts: list[Flowable] = [Paragraph("<br/>".join(escape(x) for x in sign.lines), styles.sign)]
        if sign.hint:
            parts.append(Paragraph(escape(sign.hint), hint))
        tops.append(parts)
        names.append([Spacer(1, (22 if layout.cell_size >= 12 else 15) * mm),
                      Paragraph(escape(sign.name) or "&nbsp;", styles.sign)])
    if count == 1:
        tops.insert(0, [Paragraph("", styles.body)])
        names.insert(0, [Paragraph("", styles.body)])
    if layout.place_date and not layout.date_on_top:  # above the last block; the others start as low
        tops[-1].insert(0, Paragraph(escape(layout.place_date), styles.place))
        for other in tops[:-1]:
            other.insert(0, Paragraph("&nbsp;", styles.place))
    table = Table([tops, names], colWidths=widths, style=[("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                                                          ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                          ("TOPPADDING", (0, 0), (-1, -1), 0),
                                                          ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    return KeepTogether([Spacer(1, (5 if layout.cell_size >= 12 else 2) * mm), table])


def _story(layout: Layout, styles: Styles, fonts: Family, usable: float, starts: list[int]) -> list[Flowable]:
    body = ParagraphStyle("paper_body", parent=styles.body, alignment=TA_JUSTIFY, spaceAfter=3)
    part = ParagraphStyle("paper_part", parent=body, fontName=fonts.bold, spaceBefore=4)
    bold_cell = ParagraphStyle("bold_cell", parent=styles.cell, fontName=fonts.bold)
    bold_number = ParagraphStyle("bold_number", parent=styles.number, fontName=fonts.bold)
    small = ParagraphStyle("small", parent=styles.body, fontSize=11, leading=13)
    small_head = ParagraphStyle("small_head", parent=small, fontName=fonts.bold_italic)
    story: list[Flowable] = [_Heading(layout, fonts, usable, starts), Spacer(1, 4 * mm)]
    story += [Paragraph(escape(line), styles.title) for line in layout.title.split("\n")]
    if layout.subtitle:
        story.append(Paragraph(escape(layout.subtitle), styles.subtitle))
    story.append(Spacer(1, (5 if layout.cell_size >= 12 else 3) * mm))

    def paragraphs(lines: Sequence[str]) -> None:
        for line in lines:
            numbered = line.split(".", 1)[0] in ("I", "II", "III", "IV", "V")  # "II. NỘI DUNG"
            story.append(Paragraph(escape(line), part if numbered else body))

    paragraphs(layout.before)
    note = ParagraphStyle("paper_note", parent=body, fontName=fonts.italic, fontSize=10.5, leading=12.5)
    story += [Paragraph(escape(line), note) for line in layout.notes]
    for grid in layout.grids:
        story += [Paragraph(escape(line), part) for line in grid.heading.split("\n") if line]
        total = sum(grid.widths_mm)
        data = [[Paragraph(escape(c), styles.head) for c in grid.columns]]
        for index, row in enumerate(grid.rows):
            bold = index in grid.bold_rows
            cells = []
            for column, value in enumerate(row):
                numeric = isinstance(value, int | Decimal | Fraction) and not isinstance(value, bool)
                style = (styles.centre if column in grid.centred and not bold else
                         (bold_number if bold else styles.number) if numeric else bold_cell if bold else styles.cell)
                if column in grid.small:
                    style = ParagraphStyle("small_cell", parent=style, fontSize=9, leading=11)
                cells.append(Paragraph(escape(_text(value)), style))
            data.append(cells)
        table = Table(data, colWidths=[usable * w / total for w in grid.widths_mm], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), fonts.regular),  # else the table sets Helvetica, which is not embedded
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5 if layout.cell_size < 12 else 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 if layout.cell_size < 12 else 4)]))
        story += [table, Spacer(1, 3 * mm)]
    paragraphs(layout.after)
    signatures = _signatures(layout, styles, fonts, usable)
    if signatures is not None:
        story.append(signatures)
    if layout.footer:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(layout.footer[0]), small_head))
        story += [Paragraph(escape(line), small) for line in layout.footer[1:]]
    return story


def pdf_bytes(layouts: Sequence[Layout]) -> tuple[bytes, int]:
    """The PDF of one paper or more (each from a new page, numbered from its own page 2) and its pages."""
    first = layouts[0]
    fonts = family("Times New Roman")
    styles = Styles(fonts, first.cell_size if not first.wide else min(first.cell_size, 10.5))
    page = landscape(A4) if first.wide else A4
    width, height = page
    usable = width - MARGINS["left"] - MARGINS["right"]
    starts: list[int] = []
    story: list[Flowable] = []
    for index, layout in enumerate(layouts):
        if index:
            story.append(PageBreak())
        story += _story(layout, styles, fonts, usable, starts)
    pages: list[int] = []
    story.append(_Count(pages))

    def number(c: pdfcanvas.Canvas, _doc: object) -> None:
        # At the end of the page: the heading of a paper that begins here has been drawn.
        if starts and c.getPageNumber() > starts[-1]:
            c.saveState()
            c.setFont(fonts.regular, 13)
            c.drawCentredString(MARGINS["left"] + usable / 2, height - MARGINS["top"] / 2 - 4,
                                str(c.getPageNumber() - starts[-1] + 1))
            c.restoreState()

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=page, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
                          topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"],
                          title=first.pdf_title or first.title.replace("\n", " "), author="Kbang Desktop",
                          creator="Kbang Desktop", initialFontName=fonts.regular)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate("paper", [frame], onPageEnd=number)])
    doc.build(story)
    return buffer.getvalue(), pages[-1] if pages else 1


def _pdf(layout: Layout, out: Path) -> int:
    data, pages = pdf_bytes([layout])
    write_atomic(out, data)
    return pages


# --- XLSX ---------------------------------------------------------------------------------------

def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "x" if value else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, Fraction):
        return float(value)
    return value


def _xlsx(layout: Layout, out: Path) -> int:
    book = Workbook()
    sheet = book.active
    sheet.title = layout.sheet_name[:31]
    columns = max((len(g.columns) for g in layout.grids), default=4)
    columns = max(columns, 4)
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    half = max(1, columns // 2)

    def line(row: int, text: str, first: int = 1, last: int = columns, font: Font | None = None,
             align: Alignment | None = None) -> None:
        cell = put(sheet, row, first, text)
        if last > first:
            sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell.font = font or Font()
        cell.alignment = align or wrap

    row = 1
    line(row, layout.upper or COMMITTEE, 1, half, Font(bold=layout.upper in ("", COMMITTEE)), centre)
    line(row, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", half + 1, columns, bold, centre)
    row += 1
    line(row, layout.lower, 1, half, bold, centre)
    line(row, "Độc lập - Tự do - Hạnh phúc", half + 1, columns, bold, centre)
    row += 1
    if layout.number or layout.date_on_top:
        line(row, layout.number, 1, half, None, centre)
        line(row, layout.place_date if layout.date_on_top else "", half + 1, columns, Font(italic=True), centre)
        row += 1
    row += 1
    for text in layout.title.split("\n"):
        line(row, text, font=Font(bold=True, size=13), align=centre)
        row += 1
    if layout.subtitle:
        line(row, layout.subtitle, font=Font(italic=True), align=centre)
        row += 1
    row += 1
    for text in (*layout.before, *layout.notes):
        line(row, text)
        sheet.row_dimensions[row].height = 15 * max(1, len(text) // 110 + 1)
        row += 1
    widths = [0.0] * columns
    for grid in layout.grids:
        for text in filter(None, grid.heading.split("\n")):
            line(row, text, font=bold)
            row += 1
        for index, label in enumerate(grid.columns, 1):
            cell = put(sheet, row, index, label)
            cell.font, cell.alignment, cell.border = bold, centre, box
            cell.fill = PatternFill("solid", fgColor="EDEDED")
        row += 1
        for number, values in enumerate(grid.rows):
            for index, value in enumerate(values, 1):
                cell = put(sheet, row, index, _xlsx_value(value))
                cell.border, cell.alignment = box, wrap
                if number in grid.bold_rows:
                    cell.font = bold
                if isinstance(value, Fraction):
                    cell.number_format = "0.0%"
                elif isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(value, int) and not isinstance(value, bool):
                    cell.number_format = "#,##0"
            row += 1
        for index, w in enumerate(grid.widths_mm):
            widths[index] = max(widths[index], w)
        row += 1
    for text in layout.after:
        line(row, text)
        row += 1
    if layout.signs:
        row += 1
        if layout.place_date and not layout.date_on_top:
            line(row, layout.place_date, half + 1, columns, Font(italic=True), centre)
            row += 1
        spans = ([(1, half), (half + 1, columns)] if len(layout.signs) == 2 else [(half + 1, columns)]
                 if len(layout.signs) == 1 else [(i + 1, i + 1) for i in range(len(layout.signs))])
        for sign, (first, last) in zip(layout.signs, spans, strict=False):
            at = row
            for text in sign.lines:
                line(at, text, first, last, bold, centre)
                at += 1
            if sign.hint:
                line(at, sign.hint, first, last, Font(italic=True), centre)
            line(at + 4, sign.name, first, last, bold, centre)
        row += 7
    for text in layout.footer:
        line(row, text)
        row += 1
    for index, w in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8.0, w * 0.6)
    sheet.page_setup.orientation = "landscape" if layout.wide else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(out, buffer.getvalue())
    return len(book.sheetnames)


# --- the five papers ------------------------------------------------------------------------------

def _where(place: Place) -> str:
    # "xã Kông Bơ La" begins a line as "Xã Kông Bơ La" (str.capitalize() would lower the rest: "Xã kông bơ la")
    return f"{place.village}, {place.commune_name}" if place.village else place.commune_name[:1].upper() + \
        place.commune_name[1:]


def registration_list(data: YearList) -> Layout:
    """Danh sách đăng ký: the registrations of a village (or the commune) for the year, one table a kind."""
    text = wording()
    words, models = text["registrations"], text["models"]
    kinds = [data.kind] if data.kind else list(dict.fromkeys(r.kind for r in data.rows)) or ["household"]
    grids = []
    for kind in kinds:
        model = models[kind]
        rows = tuple((i, r.name, r.village, r.registered_on, "")
                     for i, r in enumerate((r for r in data.rows if r.kind == kind), 1))
        heading = "" if data.kind else f"“{model['title']}”: {format_number(len(rows))} {model['unit']}"
        grids.append(Grid(heading, tuple(c.format(name_column=model["name_column"]) for c in words["columns"]),
                          rows, (15, 58, 40, 28, 30)))
    totals = [words["total"].format(count=format_number(sum(1 for r in data.rows if r.kind == k)),
                                    unit=models[k]["unit"]) for k in kinds] if data.kind else []
    title = (words["title"].format(model_upper=models[data.kind]["title"].upper(), year=data.year) if data.kind
             else words["title_all"].format(year=data.year))
    upper, lower = heading_of(data.place)
    signs = (Sign((words["preparer"],), "", text["sign_hint"]),
             Sign((words["head"],) if data.place.village else (ON_BEHALF, "CHỦ TỊCH"), "",
                  text["sign_hint"] if data.place.village else text["seal_hint"]))
    return Layout(upper, lower, title, words["subtitle"].format(where=_where(data.place)),
                  place_date=_dotted_date(data.place.place, data.year),
                  grids=tuple(grids), after=tuple(totals), signs=signs,
                  pdf_title=title.replace("\n", " "), sheet_name="Danh sách đăng ký")


def _dotted_date(place: str, year: int) -> str:
    """A date line to fill in by hand: "Kông Bơ La, ngày ..... tháng ..... năm 2026"."""
    return f"{place}, ngày ..... tháng ..... năm {year}"


def _rule_text(sheet: ScoringSheet, words: dict) -> str:
    definition = sheet.definition
    parts = [words["rule"].format(min_total=_text(definition.min_total))]
    minima = {c.min_points for c in definition.criteria}
    if len(definition.criteria) > 2 and len(minima) == 1 and minima != {0}:
        parts.append(words["rule_every_criterion"].format(min=_text(minima.pop())))
    else:
        parts += [words["rule_criterion"].format(code=c.code, min=_text(c.min_points))
                  for c in definition.criteria if c.min_points > 0]
    required = [i.code for c in definition.criteria for i in c.items if i.required]
    if required:
        parts.append(words["rule_required"].format(codes=", ".join(required)))
    return "; ".join(parts) + "."


TARGET_GROUPS = ("farmer", "worker", "official")


def scoring_sheets(sheets: Sequence[ScoringSheet], group: str | None = None) -> list[Layout]:
    """Phiếu đánh giá: one form per subject, the items with their maximum, the columns to score by hand;
    for citizens, `group` (farmer, worker, official) adds the evidence that fits that group to each indicator."""
    text = wording()
    words = text["sheet"]
    evidence: dict[str, str] = {}
    label = ""
    if group is not None:
        if group not in TARGET_GROUPS:
            raise KbangError(N_("Đối tượng phải là farmer (nông dân), worker (công nhân) hoặc official (cán bộ, "
                                "công chức)."))
        evidence, label = text["citizen_groups"][group]["evidence"], text["citizen_groups"][group]["label"]
    layouts = []
    for sheet in sheets:
        model = text["models"][sheet.kind]
        hints = evidence if sheet.kind == "citizen" else {}
        groups = dict(sheet.groups)
        rows: list[tuple[Any, ...]] = []
        bold: set[int] = set()
        shown_group = ""

        def row(code: str, title: str, points: Any, item_code: str = "", hints: dict = hints) -> tuple[Any, ...]:
            return (code, title, hints.get(item_code, ""), points, "", "") if hints else (code, title, points, "", "")

        for criterion in sheet.definition.criteria:
            if groups.get(criterion.code) and groups[criterion.code] != shown_group:
                shown_group = groups[criterion.code]
                bold.add(len(rows))
                rows.append(row("", shown_group, None))
            single = len(criterion.items) == 1 and criterion.items[0].title == criterion.title
            if not single:
                bold.add(len(rows))
                rows.append(row(criterion.code, criterion.title, criterion.max_points))
            rows += [row(item.code, item.title + (" (*)" if item.required else ""), item.max_points, item.code)
                     for item in criterion.items]
        bold.add(len(rows))
        rows.append(row("", words["total"], sheet.definition.max_total))
        before = [words["subject"].format(subject=model["subject"], name=sheet.name or words["dots"]),
                  words["address"].format(address=sheet.address or words["dots"])]
        notes = [words["source"].format(criteria=sheet.criteria_name, source=sheet.legal_source)]
        if sheet.template and "MẪU" not in sheet.legal_source.upper():
            notes.append(words["template"])
        upper, lower = heading_of(sheet.place)
        title = words["title"].format(model_upper=model["title"].upper(), year=sheet.year)
        grid = (Grid("", tuple(words["group_columns"]), tuple(rows), (15, 59, 55, 17, 17, 17), frozenset(bold))
                if hints else Grid("", tuple(words["columns"]), tuple(rows), (11, 94, 17, 21, 21), frozenset(bold)))
        layouts.append(Layout(
            upper, lower, title, subtitle=words["group_title"].format(label=label) if hints else "",
            place_date=_dotted_date(sheet.place.place, sheet.year), before=tuple(before), notes=tuple(notes),
            grids=(grid,),
            after=(_rule_text(sheet, words), words["result"]),
            signs=(Sign((model["representative"],), "", text["sign_hint"]),
                   Sign((model["evaluator"],), "", text["sign_hint"])),
            pdf_title=title.replace("\n", " ") + (f": {sheet.name}" if sheet.name else ""), sheet_name="Phiếu đánh giá",
            cell_size=10.5))
    return layouts


def write_sheets(sheets: Sequence[ScoringSheet], out: Path, group: str | None = None) -> int:
    """All the forms in one PDF, each beginning on a new page; return the number of pages."""
    if out.suffix.lower() != ".pdf":
        raise KbangError(N_("Tệp in phải có đuôi .pdf: {path}"), path=str(out))
    data, pages = pdf_bytes(scoring_sheets(sheets, group))
    write_atomic(out, data)
    return pages


def review_minutes(data: YearList, kind: str, meeting_on: date | None = None) -> Layout:
    """Biên bản bình xét: the meeting of the village (or of the commune), its counts, the list it proposes."""
    text = wording()
    words, model = text["minutes"], text["models"][kind]
    rows = [r for r in data.rows if r.kind == kind]
    evaluated = [r for r in rows if r.passed is not None]
    proposed = [r for r in rows if r.passed and not r.decision]
    where = data.place.village or data.place.commune_name
    when = document_date_phrase("", meeting_on)[2:].replace("ngày ", "", 1) if meeting_on else \
        f"..... tháng ..... năm {data.year}"
    before = [words["opening"].format(date=when, where=where, model=model["title"], year=data.year),
              *words["members"], words["content"],
              words["counts"].format(year=data.year, where=where, registered=format_number(len(rows)),
                                     unit=model["unit"], model=model["title"], evaluated=format_number(len(evaluated)),
                                     passed=format_number(sum(1 for r in evaluated if r.passed))),
              (words["proposal"] if proposed else words["none"]).format(
                  commune_name=data.place.commune_name, count=format_number(len(proposed)), unit=model["unit"],
                  model=model["title"], year=data.year)]
    grids = ()
    if proposed:
        grids = (Grid("", tuple(c.format(name_column=model["name_column"]) for c in words["columns"]),
                      tuple((i, r.name, r.total, "", "") for i, r in enumerate(proposed, 1)), (15, 67, 25, 28, 30)),)
    upper, lower = heading_of(data.place)
    title = words["title"].format(model=model["title"], year=data.year)
    return Layout(upper, lower, title, before=tuple(before), grids=grids, after=(words["closing"],),
                  signs=(Sign((words["secretary"],), "", text["sign_hint"]),
                         Sign((words["chair"],), "", text["sign_hint"])),
                  pdf_title=title.replace("\n", " "), sheet_name="Biên bản bình xét")


def certificate_register(data: CertificateRegister, on: date | None = None) -> Layout:
    """Sổ theo dõi cấp giấy công nhận: every certificate numbered in the year, its prints and reprints."""
    text = wording()
    words, models = text["register"], text["models"]
    rows = []
    for r in data.rows:
        reprints = "; ".join(f"{day.strftime('%d/%m/%Y')}: {reason}" if reason else day.strftime("%d/%m/%Y")
                             for day, reason in r.reprints)
        rows.append((f"{r.serial}/{data.year}", r.name, models[r.kind]["title"], r.address,
                     words["decision"].format(number=r.decision_number, date=r.decided_on.strftime("%d/%m/%Y")),
                     r.issued_on, r.printed, reprints, r.code, words["revoked"] if r.revoked else ""))
    title = words["title"].format(year=data.year)
    upper, lower = heading_of(data.place)
    total = words["total"].format(count=format_number(len(rows)),
                                  reprints=format_number(sum(len(r.reprints) for r in data.rows)))
    return Layout(upper, lower, title, words["subtitle"].format(commune_name=data.place.commune_name),
                  place_date=document_date_phrase(data.place.place, on) if on else _dotted_date(data.place.place,
                                                                                               data.year),
                  grids=(Grid("", tuple(words["columns"]), tuple(rows), (25, 34, 22, 30, 34, 25, 12, 30, 48, 18),
                               small=frozenset({8})),),
                  after=(total,), signs=(Sign((words["keeper"],), "", text["sign_hint"]),), wide=True,
                  pdf_title=title.replace("\n", " "), sheet_name="Sổ cấp giấy công nhận")


def year_report(data: YearReport) -> Layout:
    """The commune's yearly report: a summary per model against the national targets, then each village."""
    text = wording()
    words, models = text["report"], text["models"]
    summary = []
    for m in data.models:
        summary.append((models[m.kind]["title"], m.denominator, m.total.registered, m.total.evaluated, m.total.passed,
                        m.total.recognised, m.share if m.share is not None else "", m.target if m.target else ""))
    grids = [Grid(words["summary"], tuple(words["summary_columns"]), tuple(summary), (42, 17, 17, 17, 14, 20, 18, 18),
                  centred=frozenset())]
    for index, m in enumerate(data.models):
        rows = [(v.village or words["whole_commune"], v.registered, v.evaluated, v.passed, v.recognised)
                for v in m.villages]
        rows.append((words["total"], m.total.registered, m.total.evaluated, m.total.passed, m.total.recognised))
        heading = (words["details"] + "\n" if index == 0 else "") + f"{index + 1}. “{models[m.kind]['title']}”"
        grids.append(Grid(heading, tuple(words["detail_columns"]), tuple(rows), (60, 22, 22, 22, 25),
                          frozenset({len(rows) - 1}), centred=frozenset()))
    targets = [words["targets"]]
    for m in data.models:
        if m.target is not None:
            targets.append(words["target"].format(
                model=models[m.kind]["title"], share=format_percent(float(m.target), 0),
                denominator=words["denominators"][m.kind], target_year=m.target_year, basis=m.target_basis,
                got=words["got"].format(share=format_percent(float(m.share), 1)) if m.share is not None
                else words["no_data"].format(denominator=words["denominators"][m.kind])))
    title = words["title"].format(year=data.year)
    number = f"Số: {data.number}" if data.number else "Số: ....../BC-UBND"
    return Layout(COMMITTEE, data.place.commune_unit, title, number=number,
                  place_date=document_date_phrase(data.place.place, data.as_of), date_on_top=True,
                  before=(words["intro"].format(commune_name=data.place.commune_name,
                                                year=data.year, as_of=data.as_of.strftime("%d/%m/%Y")),),
                  grids=tuple(grids), after=tuple(targets),
                  signs=(Sign((words["preparer"],), data.preparer, text["sign_hint"]),
                         Sign((ON_BEHALF, *data.signer_title), data.signer_name, text["seal_hint"])),
                  footer=tuple(words["recipients"]), pdf_title=title.replace("\n", " "), sheet_name="Báo cáo")
