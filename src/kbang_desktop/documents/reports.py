"""Reports drawn as PDF (tables and bar charts, reportlab.graphics) or XLSX (openpyxl).

XLSX cells hold real numbers, fractions formatted as percentages, and dates; the header row is
frozen and columns have widths. PDF tables repeat their header on every page; pages are numbered
from page 2. Labels are translated here, in the language the user chose.
"""

from __future__ import annotations

import io
import re
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.reporting import Chart, Column, Report, Section
from kbang_desktop.documents.cells import put
from kbang_desktop.documents.fonts import family
from kbang_desktop.documents.pdf import escape
from kbang_desktop.i18n import N_, format_date, format_number, format_percent, gettext
from kbang_desktop.storage.files import write_atomic

FORMATS = ("pdf", "xlsx")


def _text(value: Any, column: Column) -> str:
    """A cell as printed on the PDF."""
    if value is None:
        return ""
    if column.kind == "percent":
        return format_percent(float(value), 1)
    if column.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    if column.kind == "bool" or isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if column.kind == "date" and isinstance(value, date):
        return format_date(value)
    return gettext(value) if isinstance(value, str) and column.kind == "text" and value == N_("Tổng cộng") else str(value)


def _note(msgid: str, values: dict[str, Any]) -> str:
    shown = {k: (format_percent(v, 0) if k == "share" else gettext(v) if k == "model" else v)
             for k, v in values.items()}
    return gettext(msgid).format(**shown)


def write_report(report: Report, fmt: str, out: Path, office_name: str) -> int:
    """Write `report` as PDF or XLSX (all or nothing); return the number of pages (PDF) or sheets."""
    if fmt not in FORMATS:
        raise KbangError(N_("Định dạng phải là pdf hoặc xlsx."))
    if out.suffix.lower() != "." + fmt:
        raise KbangError(N_("Tệp báo cáo phải có đuôi .{format}: {path}"), format=fmt, path=str(out))
    return _pdf(report, out, office_name) if fmt == "pdf" else _xlsx(report, out, office_name)


# --- PDF ------------------------------------------------------------------------------

def _chart(section: Section, chart: Chart, fonts: Any, width: float) -> Drawing | None:
    column = section.columns[chart.column]
    values = [float(row[chart.column]) if row[chart.column] is not None else 0.0 for row in section.rows]
    if not values or not any(values):
        return None
    if len(section.columns) > 2 and section.columns[1].label == N_("Giai đoạn"):
        labels = [gettext("{commune} GĐ{phase} K{term}").format(commune=row[0], phase=row[1], term=row[2])
                  for row in section.rows]
    else:
        labels = [str(row[0]) for row in section.rows]
    height = 62 * mm
    drawing = Drawing(width, height + 14 * mm)
    drawing.initialFontName = fonts.regular  # else the renderer starts in Helvetica, which is not embedded
    drawing.add(String(0, height + 9 * mm, gettext(chart.title), fontName=fonts.bold, fontSize=10))
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 16 * mm, width - 16 * mm, height - 14 * mm
    bars.data = [values]
    bars.bars[0].fillColor = colors.Color(0.27, 0.45, 0.68)
    bars.bars[0].strokeColor = None
    bars.categoryAxis.categoryNames = labels
    many = len(labels) > 12
    bars.categoryAxis.labels.fontName = fonts.regular
    bars.categoryAxis.labels.fontSize = 5 if len(labels) > 40 else 7
    bars.categoryAxis.labels.angle = 90 if many else 0
    bars.categoryAxis.labels.boxAnchor = "e" if many else "n"
    bars.valueAxis.labels.fontName = fonts.regular
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    top = max(values + ([chart.target] if chart.target else []))
    if column.kind == "percent":
        bars.valueAxis.valueMax = 1.0 if top <= 1 else top
        bars.valueAxis.valueStep = 0.2
        bars.valueAxis.labelTextFormat = lambda v: format_percent(v, 0)
    else:
        bars.valueAxis.labelTextFormat = lambda v: format_number(round(v))
    drawing.add(bars)
    if chart.target is not None and column.kind == "percent":
        maximum = bars.valueAxis.valueMax or 1.0
        y = bars.y + bars.height * chart.target / maximum
        drawing.add(Line(bars.x, y, bars.x + bars.width, y, strokeColor=colors.red, strokeWidth=1,
                         strokeDashArray=[4, 2]))
        drawing.add(String(bars.x + bars.width - 2, y + 2, format_percent(chart.target, 0), fontName=fonts.regular,
                           fontSize=7, fillColor=colors.red, textAnchor="end"))
    return drawing


def _pdf(report: Report, out: Path, office_name: str) -> int:
    fonts = family("Times New Roman")
    page = landscape(A4)
    width = page[0] - 40 * mm
    title = ParagraphStyle("t", fontName=fonts.bold, fontSize=15, leading=19, alignment=TA_CENTER)
    sub = ParagraphStyle("s", fontName=fonts.italic, fontSize=11, leading=14, alignment=TA_CENTER)
    head = ParagraphStyle("h", fontName=fonts.bold, fontSize=12, leading=15, alignment=TA_LEFT, spaceBefore=6)
    cell = ParagraphStyle("c", fontName=fonts.regular, fontSize=8.5, leading=10)
    cell_head = ParagraphStyle("ch", parent=cell, fontName=fonts.bold, alignment=TA_CENTER)
    number = ParagraphStyle("n", parent=cell, alignment=TA_RIGHT)
    note = ParagraphStyle("note", fontName=fonts.italic, fontSize=9.5, leading=12)
    story: list[Any] = [Paragraph(escape(office_name.upper()), ParagraphStyle("o", parent=head, fontSize=11)),
                        Paragraph(escape(gettext(report.title).upper()), title),
                        Paragraph(escape(gettext("Phạm vi: {scope}; tính đến ngày {date}").format(
                            scope=report.scope, date=report.as_of.strftime("%d/%m/%Y"))), sub), Spacer(1, 4 * mm)]
    for section in report.sections:
        story.append(CondPageBreak(50 * mm))
        story.append(Paragraph(escape(gettext(section.title)), head))
        weights = [c.width for c in section.columns]
        widths = [width * w / sum(weights) for w in weights]
        data = [[Paragraph(escape(gettext(c.label)), cell_head) for c in section.columns]]
        rows = list(section.rows) + ([section.total] if section.total else [])
        for row in rows:
            data.append([Paragraph(escape(_text(v, c)), number if c.kind in ("int", "percent") else cell)
                         for v, c in zip(row, section.columns, strict=True)])
        if not section.rows:
            data.append([Paragraph(escape(gettext("Không có số liệu.")), cell)] + [""] * (len(section.columns) - 1))
        table = Table(data, colWidths=widths, repeatRows=1)
        style = [("FONTNAME", (0, 0), (-1, -1), fonts.regular), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.96)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if section.total:
            style.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.Color(0.95, 0.95, 0.95)))
        table.setStyle(TableStyle(style))
        story.append(table)
        for chart in section.charts:
            drawing = _chart(section, chart, fonts, width)
            if drawing is not None:
                story += [Spacer(1, 3 * mm), CondPageBreak(drawing.height), drawing]
    if report.notes:
        story.append(Spacer(1, 4 * mm))
        story += [Paragraph(escape(_note(m, v)), note) for m, v in report.notes]

    def number_page(c: pdfcanvas.Canvas, _doc: Any) -> None:
        c.setFont(fonts.regular, 10)
        c.drawCentredString(page[0] / 2, page[1] - 10 * mm, str(c.getPageNumber()))

    pages: list[int] = []

    def count(c: pdfcanvas.Canvas, doc: Any) -> None:
        number_page(c, doc)
        pages.append(c.getPageNumber())

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=15 * mm, title=gettext(report.title), author="Kbang Desktop",
                            creator="Kbang Desktop", initialFontName=fonts.regular)
    doc.build(story, onFirstPage=lambda c, d: pages.append(1), onLaterPages=count)
    write_atomic(out, buffer.getvalue())
    return max(pages) if pages else 1


# --- XLSX -----------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:25]} ({n})", n + 1
    taken.add(name.lower())
    return name


def _cell_value(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, Fraction):
        return float(value)
    if column.kind == "text" and value == N_("Tổng cộng"):
        return gettext(value)
    return value


def _xlsx(report: Report, out: Path, office_name: str) -> int:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for section in report.sections:
        sheet = book.create_sheet(_sheet_name(gettext(section.title), taken))
        put(sheet, 1, 1, office_name)
        put(sheet, 2, 1, gettext(report.title)).font = Font(bold=True, size=13)
        put(sheet, 3, 1, gettext(section.title))
        put(sheet, 4, 1, gettext("Tính đến ngày"))
        put(sheet, 4, 2, report.as_of).number_format = "DD/MM/YYYY"
        put(sheet, 4, 3, gettext("Phạm vi: {scope}").format(scope=report.scope))
        header = 6
        for index, column in enumerate(section.columns, 1):
            cell = put(sheet, header, index, gettext(column.label))
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            sheet.column_dimensions[get_column_letter(index)].width = max(column.width, 8) + 2
        rows = list(section.rows) + ([section.total] if section.total else [])
        for offset, row in enumerate(rows, 1):
            for index, (value, column) in enumerate(zip(row, section.columns, strict=True), 1):
                cell = put(sheet, header + offset, index, _cell_value(value, column))
                if column.kind == "percent":
                    cell.number_format = "0.0%"
                elif column.kind == "date":
                    cell.number_format = "DD/MM/YYYY"
                elif column.kind == "int":
                    cell.number_format = "#,##0"
                if section.total and offset == len(rows):
                    cell.font = bold
        sheet.freeze_panes = sheet.cell(row=header + 1, column=2)
        last = header + len(rows) + 2
        for msgid, values in report.notes:
            put(sheet, last, 1, _note(msgid, values))
            last += 1
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(out, buffer.getvalue())
    return len(book.sheetnames)
