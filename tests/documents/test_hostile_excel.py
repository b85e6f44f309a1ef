"""Hostile and broken spreadsheets are refused in one sentence and nothing is written."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet import _reader

from kbang_desktop.documents import excel
from kbang_desktop.documents.excel import read_sheet

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
          + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
          '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
EXTERNAL = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- made by hand -->\n'
            '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')


def _workbook(rows=(("Họ và tên", "Năm sinh"), ("Đinh Văn Hmưk", 1980))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook `data` with its part `name` replaced by `content`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
        if name not in source.namelist():
            target.writestr(name, content)
    return out.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HOSTILE = {
    "entity-bomb": (lambda: _replace(_workbook(), SHEET, LAUGHS.encode()), "DTD"),
    "external-entity": (lambda: _replace(_workbook(), SHEET, EXTERNAL.encode()), "DTD"),
    "dtd-in-content-types": (lambda: _replace(_workbook(), "[Content_Types].xml",
                                              b'<?xml version="1.0"?><!DOCTYPE Types SYSTEM "http://example.invalid/t">'
                                              b"<Types/>"), "DTD"),
    "dtd-in-utf-16": (lambda: _replace(_workbook(), SHEET, EXTERNAL.replace("UTF-8", "UTF-16").encode("utf-16")), "DTD"),
    "truncated": (lambda: _workbook()[:-700], "bị hỏng hoặc chưa được chép hết"),
    "broken-sheet": (lambda: _replace(_workbook(), SHEET, b'<worksheet xmlns="x"><sheetData><row r="1"><c'),
                     "bị hỏng hoặc chưa được chép hết"),
    "broken-workbook": (lambda: _replace(_workbook(), "xl/workbook.xml", b"<workbook><sheets>"),
                        "bị hỏng hoặc chưa được chép hết"),
    "text": (lambda: "Họ và tên;Năm sinh\nĐinh Văn Hmưk;1980\n".encode(), "không phải là bảng tính Excel"),
    "pdf": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "không phải là bảng tính Excel"),
    "other-zip": (lambda: _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}),
                  "không phải là bảng tính Excel"),
    "ods": (lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            ".ods"),
    "old-xls-renamed": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ".xls"),
    "empty": (lambda: b"", "không phải là bảng tính Excel"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_or_broken_files_are_refused_in_one_sentence(kind, tmp_path):
    make, words = HOSTILE[kind]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(make())
    with pytest.raises(excel.KbangError) as refused:
        read_sheet(path)
    message = refused.value.translated()
    assert words in message and str(path) in message and "\n" not in message
    assert "root:" not in message  # /etc/passwd never read into it


def test_the_command_refuses_them_and_writes_nothing(services, db_path, tmp_path, cli):
    services.ctx.db.close()
    assert cli("--db", db_path, "persons", "list").code == 0  # the first command encrypts the plain test file
    before = db_path.read_bytes()
    for kind, (make, words) in HOSTILE.items():
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(make())
        result = cli("--db", db_path, "import", "persons", path)
        assert result.code == 1 and result.out == "", kind
        assert words in result.err and result.err.count("\n") == 1 and "Lỗi không mong đợi" not in result.err, kind
    assert db_path.read_bytes() == before  # nothing written


def test_a_part_that_unpacks_far_beyond_its_size_is_refused_before_reading(monkeypatch, tmp_path):
    monkeypatch.setattr(excel, "MAX_PART_BYTES", 1 << 20)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_replace(_workbook(), "xl/sharedStrings.xml", b" " * (2 << 20)))
    opened = []
    monkeypatch.setattr(excel, "load_workbook", lambda *a, **k: opened.append(a))
    with pytest.raises(excel.KbangError, match="giải nén ra lớn hơn"):
        read_sheet(path)
    assert not opened


def test_a_sheet_over_the_row_limit_is_refused_while_streaming(monkeypatch, tmp_path):
    monkeypatch.setattr(excel, "MAX_ROWS", 50)
    path = tmp_path / "big.xlsx"
    data = _workbook([("STT", "Họ và tên", "Năm sinh")] + [(n, f"Người {n}", 1980) for n in range(2000)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET).decode()
    assert 'ref="A1:C2001"' in sheet
    path.write_bytes(_replace(data, SHEET, sheet.replace('ref="A1:C2001"', 'ref="A1:C3"').encode()))  # a lie
    parsed = []
    original = _reader.WorkSheetParser.parse_row

    def counting(self, row):
        parsed.append(1)
        return original(self, row)

    monkeypatch.setattr(_reader.WorkSheetParser, "parse_row", counting)
    with pytest.raises(excel.KbangError, match="hơn 50 dòng") as refused:
        read_sheet(path)
    assert "Sheet" in str(refused.value)  # the sheet is named
    assert len(parsed) < 100  # the rest of the sheet was never parsed
    monkeypatch.setattr(excel, "MAX_ROWS", 2000)
    rows, _headers = read_sheet(path)
    assert len(rows) == 2000 and rows[-1].cells["full_name"][0] == "Người 1999"
    # a sheet whose dimension says it is too long is refused before any data row is read
    path.write_bytes(_replace(path.read_bytes(), SHEET, sheet.replace('ref="A1:C2001"', 'ref="A1:C1048576"').encode()))
    parsed.clear()
    with pytest.raises(excel.KbangError, match="hơn 2.000 dòng"):
        read_sheet(path)
    assert len(parsed) < 20


def test_a_lying_dimension_and_a_stray_far_cell_do_not_change_what_is_read(tmp_path):
    data = _workbook([("Họ và tên", "Năm sinh"), ("Đinh Văn Hmưk", 1980), ("Rơ Châm Hlim", 1950)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET).decode()
    sheet = sheet.replace('<dimension ref="A1:B3"', '<dimension ref="A1:A1"').replace(
        "</sheetData>", '<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    path = tmp_path / "odd.xlsx"
    path.write_bytes(_replace(data, SHEET, sheet.encode()))
    rows, headers = read_sheet(path)
    assert [r.cells["full_name"][0] for r in rows] == ["Đinh Văn Hmưk", "Rơ Châm Hlim"]
    assert headers == {"full_name": "Họ và tên", "birth": "Năm sinh"}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_score_reader_refuses_them_too(kind, tmp_path):
    from kbang_desktop.documents.scores import read_scores

    make, words = HOSTILE[kind]
    path = tmp_path / "diem.xlsx"
    path.write_bytes(make())
    with pytest.raises(excel.KbangError) as refused:
        read_scores(path)
    message = refused.value.translated()
    assert words in message and "\n" not in message and "root:" not in message
