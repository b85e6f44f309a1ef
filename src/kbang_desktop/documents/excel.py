"""Reading the spreadsheets people keep and writing the person template (openpyxl).

The reader finds the header row itself (title rows above it, merged cells, a second header row with
"Nam" / "Nữ" under "Giới tính"), skips blank rows and the footer under the list (the place and date,
"Người lập biểu ... CHỦ TỊCH", "(Ký, ghi rõ họ tên)", the signers' names, "Tổng cộng": from the first
such row on, every row without a number or a date), and hands each row's cells to the import service
under the field its header means. Values stay as Excel gives them (numbers, dates, text); the
service reads dates, years, serial numbers and numbers stored as text.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.cells import put
from kbang_desktop.i18n import N_, format_number
from kbang_desktop.services.person_import import FIELDS, SheetRow, header_key, is_footer, is_words_only, recognise
from kbang_desktop.storage.files import write_atomic

HEADER_SCAN = 15  # rows searched for the header
HEADER_WIDTH = 60  # columns searched for it
MAX_ROWS = 200_000  # data rows of one import


# What a real workbook never needs: larger parts are refused before openpyxl reads them (openpyxl
# loads every part but the sheets whole, even in read-only mode; the sheets are streamed).
MAX_MEMBERS = 10_000
MAX_PART_BYTES = 256 << 20  # any part but a worksheet, uncompressed (shared strings of 200 000 rows: ~20 MB)
MAX_SHEET_BYTES = 4 << 30  # one worksheet, uncompressed (1,048,576 rows of 10 columns: ~300 MB)
MAX_RATIO = 200  # uncompressed / compressed for a part above 16 MB (a compressed bomb)
PROLOG_MAX = 64 << 10  # the XML declaration and comments before the first element
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls (or any OLE file)
# Whatever openpyxl raises on a file that is cut short, damaged or not what it claims to be.
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, TypeError, IndexError,
           AttributeError, ParseError, InvalidFileException)
BROKEN = _BROKEN  # for the other readers of workbooks (documents/scores.py)


def read_sheet(path: Path, mapping: dict[str, str] | None = None) -> tuple[list[SheetRow], dict[str, str]]:
    """The data rows and {field: header as written} of the first sheet that has a recognisable header.

    Reads only. A file that is not a workbook, is cut short or damaged, declares a DTD or entities
    (an entity bomb, an external entity), unpacks to more than a workbook ever holds, or has more
    than MAX_ROWS rows is refused with one sentence. The sheets are streamed (read-only mode), so a
    sheet above the limit is refused when the limit is passed, without loading it.
    """
    book = open_workbook(path)
    try:
        for sheet in book.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            declared = sheet.max_row or 0  # the sheet's own dimension: what Excel writes, but it may lie
            sheet.reset_dimensions()  # so read what is there
            top = [tuple(row) for row in sheet.iter_rows(max_row=HEADER_SCAN + 1, max_col=HEADER_WIDTH,
                                                          values_only=True)]
            found = _header(top, mapping)
            if found:
                if declared - found[0] > MAX_ROWS:  # refused at once, without reading a row
                    raise _too_many(path, sheet)
                return _rows(path, sheet, *found)
    except _BROKEN as error:
        raise _broken(path, error) from None
    finally:
        book.close()
    raise KbangError(N_("Không tìm thấy dòng tiêu đề có cột \"Họ và tên\" trong tệp {path}."), path=str(path))


def open_workbook(path: Path) -> Any:
    """The workbook at path in read-only (streaming) mode, after the checks of read_sheet: a file that
    is missing, not a workbook, an old .xls, damaged or hostile is refused with one sentence. The
    caller closes it."""
    if path.suffix.lower() == ".xls":
        raise KbangError(OLD_XLS, path=str(path))
    if not path.is_file():
        raise KbangError(N_("Không tìm thấy tệp {path}."), path=str(path))
    _vet(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except _BROKEN as error:
        raise _broken(path, error) from None


def broken(path: Path, error: BaseException) -> KbangError:
    """The sentence for a workbook that failed while being read."""
    return _broken(path, error)


def _too_many(path: Path, sheet: Any) -> KbangError:
    return KbangError(N_("Trang \"{sheet}\" của tệp {path} có hơn {n} dòng dữ liệu, quá nhiều cho một lần nhập; hãy "
                         "chia thành nhiều tệp nhỏ hơn."), sheet=sheet.title, path=str(path), n=format_number(MAX_ROWS))


def _broken(path: Path, error: BaseException) -> KbangError:
    return KbangError(N_("Tệp Excel {path} bị hỏng hoặc chưa được chép hết ({error}): hãy chép lại tệp, hoặc mở bằng "
                         "Excel rồi lưu lại, trước khi nhập."), path=str(path), error=type(error).__name__)


OLD_XLS = N_("Tệp {path} là dạng Excel cũ (.xls); hãy mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx.")
NOT_XLSX = N_("Tệp {path} không phải là bảng tính Excel (.xlsx) nên không đọc được gì; hãy chọn tệp .xlsx, hoặc mở "
              "tệp bằng Excel rồi lưu lại dạng .xlsx.")


# What no real workbook has: a file made to harm (an entity bomb, an external entity, a zip bomb).
HOSTILE_DTD = N_("Tệp {path} có khai báo DTD hoặc thực thể XML, điều mà tệp Excel thật không bao giờ có (có thể là "
                 "tệp được làm ra để gây hại), nên không được đọc và không có gì được lưu.")
HOSTILE_SIZE = N_("Tệp {path} có một phần giải nén ra lớn hơn mọi tệp Excel thật (có thể là tệp được làm ra để gây "
                  "hại), nên không được đọc và không có gì được lưu.")
HOSTILE_PARTS = N_("Tệp {path} gồm nhiều phần hơn mọi tệp Excel thật (có thể là tệp được làm ra để gây hại), nên "
                   "không được đọc và không có gì được lưu.")


def _vet(path: Path) -> None:
    """Refuse, before openpyxl opens it, a file that is not an .xlsx workbook or that no real workbook would be."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC:
        raise KbangError(OLD_XLS, path=str(path))
    if not magic.startswith(b"PK"):
        raise KbangError(NOT_XLSX, path=str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                raise KbangError(N_("Tệp {path} là bảng tính LibreOffice (.ods); hãy mở bằng LibreOffice và lưu lại "
                                    "dạng .xlsx."), path=str(path))
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise KbangError(NOT_XLSX, path=str(path))
            if len(members) > MAX_MEMBERS:
                raise KbangError(HOSTILE_PARTS, path=str(path))
            for member in members:
                limit = MAX_SHEET_BYTES if member.filename.startswith("xl/worksheets/") else MAX_PART_BYTES
                if member.file_size > limit or (member.file_size > 16 << 20 and
                                                member.file_size > MAX_RATIO * max(member.compress_size, 1)):
                    raise KbangError(HOSTILE_SIZE, path=str(path))
                if not member.is_dir() and _declares_dtd(archive, member):
                    raise KbangError(HOSTILE_DTD, path=str(path))
    except _BROKEN as error:
        raise _broken(path, error) from None


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML part has a document type declaration (the only place entities can be declared:
    an entity bomb or an external entity needs one). It can only stand before the first element, so
    the prolog is read and nothing more."""
    with archive.open(member) as handle:
        head = handle.read(PROLOG_MAX)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        head = head.decode("utf-16", errors="ignore").encode("utf-8")  # the markup in UTF-16
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    while text.startswith(b"<"):
        if text.startswith((b"<!DOCTYPE", b"<!ENTITY")):
            return True
        closing = b"?>" if text.startswith(b"<?") else b"-->" if text.startswith(b"<!--") else None
        if closing is None:
            return False  # the first element: no DTD can follow
        end = text.find(closing)
        if end < 0:
            return len(head) >= PROLOG_MAX  # a prolog longer than any real one
        text = text[end + len(closing):].lstrip(b" \t\r\n")
    return False  # not XML (an image, a binary part)


def _header(top: list[tuple[Any, ...]], mapping: dict[str, str] | None) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """(last header row, {column: (field, header text)}) or None, from the first rows of a sheet."""
    best: tuple[int, int, dict[int, tuple[str, str]]] | None = None
    width = max((len(r) for r in top), default=0)

    def at(row: int, column: int) -> Any:
        values = top[row - 1] if row <= len(top) else ()
        return values[column - 1] if column <= len(values) else None

    for row in range(1, min(len(top), HEADER_SCAN) + 1):
        fields: dict[int, tuple[str, str]] = {}
        for column in range(1, width + 1):
            value = at(row, column)
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
    below = {c: at(row + 1, c) for c in range(1, width + 1)}
    sub = {c: header_key(v) for c, v in below.items() if v is not None}
    if sub and all(v in ("nam", "nu") for v in sub.values()):
        for column, key in sub.items():
            # the cell over a "Nam"/"Nữ" of a merged "Giới tính" is empty: that column is not in `fields`
            parent = header_key(at(row, column))
            label = " ".join(str(below[column]).split())
            if parent in ("gioi tinh", "gioi", "nam nu") or column not in fields:
                fields[column] = ("female" if key == "nu" else "male", label)
            elif fields[column][0] == "birth":  # date of birth split by sex: the column says both
                fields[column] = ("birth", f"{fields[column][1]} ({label})")
                fields[-column] = ("female" if key == "nu" else "male", label)
        row += 1
    return row, fields


def _rows(path: Path, sheet: Any, header_row: int,
          fields: dict[int, tuple[str, str]]) -> tuple[list[SheetRow], dict[str, str]]:
    headers = {f: text for _c, (f, text) in sorted(fields.items(), key=lambda i: abs(i[0]))}
    by_sex_birth = {c for c in fields if c < 0}  # "Ngày sinh" under "Nam"/"Nữ": a value marks the sex too
    rows = []
    width = max(abs(c) for c in fields)  # a stray cell in column XFD does not make every row 16 384 wide
    footer = False
    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
                                    header_row + 1):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # blank rows between blocks
        if is_footer(values) or footer and is_words_only(values):
            footer = True  # "Người lập biểu ... CHỦ TỊCH", "(Ký, ghi rõ họ tên)", the signers' names
            continue
        if len(rows) >= MAX_ROWS:  # streamed: refused here, the rest of the sheet is never read
            raise _too_many(path, sheet)
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
