"""Reading the spreadsheets people keep and writing the person template (openpyxl).

The reader finds the header row itself (title rows above it, merged cells, a second header row with
"Nam" / "Nữ" under "Giới tính"), skips blank rows, and hands each row's cells to the import service
under the field its header means. Values stay as Excel gives them (numbers, dates, text); the
service reads dates, years, serial numbers and numbers stored as text.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.cells import put
from kbang_desktop.i18n import N_
from kbang_desktop.services.person_import import FIELDS, SheetRow, header_key, recognise
from kbang_desktop.storage.files import write_atomic

HEADER_SCAN = 15  # rows searched for the header
MAX_ROWS = 200_000


def read_sheet(path: Path, mapping: dict[str, str] | None = None) -> tuple[list[SheetRow], dict[str, str]]:
    """The data rows and {field: header as written} of the first sheet that has a recognisable header."""
    if path.suffix.lower() == ".xls":
        raise KbangError(N_("Tệp {path} là dạng Excel cũ (.xls); hãy mở bằng Excel hoặc LibreOffice và lưu lại "
                            "dạng .xlsx."), path=str(path))
    try:
        book = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise KbangError(N_("Không tìm thấy tệp {path}."), path=str(path)) from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as error:
        raise KbangError(N_("Không đọc được tệp Excel {path} ({error}). Hãy kiểm tra tệp là .xlsx và không bị hỏng."),
                         path=str(path), error=type(error).__name__) from None
    for sheet in book.worksheets:
        found = _header(sheet, mapping)
        if found:
            return _rows(sheet, *found)
    raise KbangError(N_("Không tìm thấy dòng tiêu đề có cột \"Họ và tên\" trong tệp {path}."), path=str(path))


def _merged_value(sheet: Any, row: int, column: int) -> Any:
    """A cell's value, or the value of the merged range that covers it."""
    value = sheet.cell(row=row, column=column).value
    if value is not None:
        return value
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return sheet.cell(row=merged.min_row, column=merged.min_col).value
    return None


def _header(sheet: Any, mapping: dict[str, str] | None) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """(last header row, {column: (field, header text)}) or None."""
    best: tuple[int, int, dict[int, tuple[str, str]]] | None = None
    width = min(sheet.max_column or 0, 60)
    for row in range(1, min(sheet.max_row or 0, HEADER_SCAN) + 1):
        fields: dict[int, tuple[str, str]] = {}
        for column in range(1, width + 1):
            value = sheet.cell(row=row, column=column).value
            if value is None:
                continue
            field = recognise(value, mapping)
            if field:
                fields[column] = (field, " ".join(str(value).split()))
        names = {f for f, _t in fields.values()}
        if "full_name" in names and (best is None or len(fields) > best[1]):
            best = (row, len(fields), fields)
    if best is None:
        return None
    row, _count, fields = best
    # A second header row under merged cells: "Giới tính" over "Nam" | "Nữ", "Ngày sinh" over "Nam" | "Nữ".
    below = {c: sheet.cell(row=row + 1, column=c).value for c in range(1, width + 1)}
    sub = {c: header_key(v) for c, v in below.items() if v is not None}
    if sub and all(v in ("nam", "nu") for v in sub.values()):
        for column, key in sub.items():
            parent = header_key(_merged_value(sheet, row, column))
            label = " ".join(str(below[column]).split())
            if parent in ("gioi tinh", "gioi", "nam nu") or column not in fields:
                fields[column] = ("female" if key == "nu" else "male", label)
            elif fields[column][0] == "birth":  # date of birth split by sex: the column says both
                fields[column] = ("birth", f"{fields[column][1]} ({label})")
                fields[-column] = ("female" if key == "nu" else "male", label)
        row += 1
    return row, fields


def _rows(sheet: Any, header_row: int, fields: dict[int, tuple[str, str]]) -> tuple[list[SheetRow], dict[str, str]]:
    headers = {f: text for _c, (f, text) in sorted(fields.items(), key=lambda i: abs(i[0]))}
    by_sex_birth = {c for c in fields if c < 0}  # "Ngày sinh" under "Nam"/"Nữ": a value marks the sex too
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1):
        if number - header_row > MAX_ROWS:
            raise KbangError(N_("Tệp có quá {n} dòng; hãy chia nhỏ tệp."), n=MAX_ROWS)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # blank rows between blocks
        cells: dict[str, tuple[Any, str]] = {}
        for column, (field, text) in fields.items():
            index = abs(column) - 1
            value = values[index] if index < len(values) else None
            if column in by_sex_birth:
                if value not in (None, ""):
                    cells[field] = ("x", text)
                continue
            if field in cells and cells[field][0] not in (None, "") and value in (None, ""):
                continue  # two columns for the same field (birth under Nam and under Nữ): keep the filled one
            cells[field] = (value, text)
        if by_sex_birth:
            for field in ("female", "male"):
                cells.setdefault(field, (None, FIELDS[field][0]))
        rows.append(SheetRow(number, cells))
    if by_sex_birth:
        headers.setdefault("female", FIELDS["female"][0])
        headers.setdefault("male", FIELDS["male"][0])
    return rows, headers


def write_persons(path: Path, headers: list[str], rows: list[list[Any]], title: str) -> int:
    """The person template: one header row (frozen), real dates and numbers, widths; written all or nothing.

    Text is only text (`cells.put`): a name beginning with "=" is never a formula."""
    if path.suffix.lower() != ".xlsx":
        raise KbangError(N_("Tệp Excel phải có đuôi .xlsx: {path}"), path=str(path))
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    widths = {"Họ và tên": 28, "Ngày sinh": 12, "Thôn/Làng": 20, "Xã": 16, "Ghi chú": 24}
    for column, header in enumerate(headers, 1):
        cell = put(sheet, 1, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(header, max(10, len(header) + 2))
    date_columns = {i for i, h in enumerate(headers) if h in (FIELDS["birth"][0], FIELDS["literacy_date"][0])}
    for number, row in enumerate(rows, 2):
        for index, value in enumerate(row):
            cell = put(sheet, number, index + 1, value)
            if index in date_columns and value is not None and not isinstance(value, int):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return len(rows)
