"""The window's Excel import of a list exported and corrected (issue 14): the changes shown field by field
(old -> new) in a table before anything is saved, a village the commune lacks named and made only with the
tick "Tạo thôn, làng mới", the real buttons pressed (a patched QFileDialog chooses the file)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from openpyxl import load_workbook

from kbang_desktop.documents.excel import write_persons
from tests.ui.helpers import TIMEOUT, files, press


def checked_again(qtbot, excel, before):
    qtbot.waitUntil(lambda: excel.checked is not None and excel.checked is not before, timeout=TIMEOUT)
    return excel.checked


def test_an_exported_list_corrected_in_excel_updates_its_people(qtbot, window, services, tmp_path, monkeypatch):
    hmuk = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    blong = services.persons.add("Đinh Thị Blơng", "F", "1985", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    headers, rows = services.person_import.export_rows()
    path = tmp_path / "ds.xlsx"
    write_persons(path, headers, rows, "Danh sách")
    book = load_workbook(path)
    sheet = book.active
    col = {c.value: c.column for c in sheet[1]}
    line = {r[0].value: r[0].row for r in sheet.iter_rows(min_row=2)}
    sheet.cell(line["Đinh Văn Hmưk"], col["Họ và tên"], "Đinh Văn Hmưch")
    sheet.cell(line["Đinh Thị Blơng"], col["Thôn/Làng"], "Làng Đak Pơ")  # a village the commune lacks
    book.save(path)
    asked = files(monkeypatch, open_=path)
    excel = window.areas[8]
    window.show_area(8)
    assert not excel.update_people.isChecked() and not excel.create_villages.isChecked()
    press(excel.choose)
    first = checked_again(qtbot, excel, None)
    assert asked["open"]
    assert excel.update_people.isChecked()  # the file carries the people's ids: a list to update
    assert (first.updated, first.created, first.unchanged) == (1, 0, 0)
    assert excel.changes.rows == [(line["Đinh Văn Hmưk"], "Đinh Văn Hmưk", "Họ và tên", "Đinh Văn Hmưk",
                                   "Đinh Văn Hmưch")]
    assert [p[0] for p in excel.problems.rows] == [line["Đinh Thị Blơng"]]
    assert "Làng Đak Pơ (xã Kông Bơ La)" in excel.villages.text() and "Tạo thôn, làng mới" in excel.villages.text()
    assert not excel.apply_button.isEnabled()  # a row with a problem: nothing is imported unless skipped
    assert services.persons.get(hmuk.id).full_name == "Đinh Văn Hmưk"  # the check saved nothing

    press(excel.create_villages)  # the tick checks the file again
    second = checked_again(qtbot, excel, first)
    assert second.errors == () and second.updated == 2
    assert sorted(excel.changes.rows) == sorted([
        (line["Đinh Văn Hmưk"], "Đinh Văn Hmưk", "Họ và tên", "Đinh Văn Hmưk", "Đinh Văn Hmưch"),
        (line["Đinh Thị Blơng"], "Đinh Thị Blơng", "Thôn/Làng", "Làng Kon Lốc", "Làng Đak Pơ")])
    assert "sẽ được tạo" in excel.villages.text()
    assert "Làng Đak Pơ" not in {u.name for u in services.units.list(kind="village")}
    press(excel.apply_button)
    qtbot.waitUntil(lambda: "Đã nhập" in excel.summary.text(), timeout=TIMEOUT)
    assert services.persons.get(hmuk.id).full_name == "Đinh Văn Hmưch"
    moved = services.persons.get(blong.id)
    assert services.units.get(moved.village_id).name == "Làng Đak Pơ"
    # the same file again: nothing left to change
    press(excel.choose)
    third = checked_again(qtbot, excel, None)
    assert (third.updated, third.unchanged, third.created) == (0, 2, 0) and excel.changes.rows == []
    assert not excel.apply_button.isEnabled()
