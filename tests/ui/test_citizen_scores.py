"""Many citizens at once in the window: the grid (one row per citizen, one column per indicator) and the
spreadsheet of self-assessment scores, driven as a user would (the real buttons, keys typed into the
cell's editor, Qt's file dialog answered with a path)."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QDialogButtonBox, QLineEdit

from tests.ui.helpers import TIMEOUT, choose, double_click_row, files, press, save
from tests.ui.test_learning_models import open_models

CODES = [f"CS{i}" for i in range(1, 11)]
GRID = 3  # the first indicator's column (after name, year of birth, village)


def citizens(services):
    """Three adults of two villages, registered for 2026; Y Blơm already scored (CS4 9,5, the others 9)."""
    people = [services.persons.add(name, sex, birth, "Ba Na", "Kông Bơ La", village)
              for name, sex, birth, village in (("Đinh Văn Hmưk", "M", "1980", "Làng Kon Lốc"),
                                                ("Y Blơm", "F", "1992", "Làng Kon Lốc"),
                                                ("Đinh Thị Bŏk", "F", "1975", "Làng Đak Asel"))]
    done = services.models.register_many(2026, "citizen", [p.id for p in people], date(2026, 1, 10))
    by_name = {p.full_name: r for p, r in zip(people, done.registered, strict=True)}
    services.models.evaluate(by_name["Y Blơm"].id, {**dict.fromkeys(CODES, "9"), "CS4": "9.5"}, date(2026, 11, 5))
    return people, by_name


def type_cell(qtbot, view, row: int, column: int, text: str) -> None:
    """Double-click a cell, select what it holds, type `text` and press Enter, as a user would."""
    double_click_row(view, row, column)
    qtbot.waitUntil(lambda: any(e.isVisible() for e in view.viewport().findChildren(QLineEdit)), timeout=TIMEOUT)
    editor = next(e for e in view.viewport().findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the cell is kept once the editor closes
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=TIMEOUT)


def cell(dialog, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return dialog.model.index(row, column).data(role)


def results(services):
    return {r.name: (r.evaluation.total, r.evaluation.passed) if r.evaluation else None
            for r in services.models.rows(2026, "citizen")}


def test_the_grid_opens_on_saved_scores_refuses_above_the_maximum_and_saves_every_changed_row(
        qtbot, window, services, answer):
    citizens(services)
    area = open_models(qtbot, window)
    seen = {}

    def grid(dialog):
        model = dialog.model
        assert [r.name for r in model.rows] == ["Đinh Thị Bŏk", "Đinh Văn Hmưk", "Y Blơm"]  # by village, then name
        assert [cell(dialog, 0, c) for c in range(3)] == ["Đinh Thị Bŏk", "1975", "Làng Đak Asel"]
        header = model.headerData(GRID, Qt.Orientation.Horizontal)
        assert header.startswith("CS1") and "/10" in header  # the code and its maximum
        assert "Xác định được nhu cầu" in model.headerData(GRID, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        last = model.columnCount() - 1
        assert cell(dialog, 2, GRID + 3) == "9,5" and cell(dialog, 2, GRID) == "9"  # the saved scores
        assert (cell(dialog, 2, last - 1), cell(dialog, 2, last)) == ("90,5", "Đạt")
        assert not dialog.save_button.isEnabled()  # nothing changed yet
        choose(dialog.village, "Làng Kon Lốc")
        assert [r.name for r in model.rows] == ["Đinh Văn Hmưk", "Y Blơm"]
        double_click_row(dialog.view, 0, GRID + 2)  # above the maximum of 10: refused as typed, before Enter
        editor = dialog.view.viewport().findChild(QLineEdit, "points_editor")
        QTest.keyClicks(editor, "12")
        assert "Đinh Văn Hmưk, CS3: Tối đa 10 điểm" in dialog.problem.text() and "f8d7da" in editor.styleSheet()
        QTest.keyClick(editor, Qt.Key.Key_Backspace)
        assert dialog.problem.text() == "" and "f8d7da" not in editor.styleSheet()
        QTest.keyClick(editor, Qt.Key.Key_Escape)  # "1" not kept
        qtbot.waitUntil(lambda: dialog.view.state() != QAbstractItemView.State.EditingState, timeout=TIMEOUT)
        assert cell(dialog, 0, GRID + 2) == ""
        type_cell(qtbot, dialog.view, 0, GRID, "11")  # kept as typed once the cell is left, marked, Save waits
        assert cell(dialog, 0, GRID) == "11"
        assert "Tối đa 10 điểm" in cell(dialog, 0, GRID, Qt.ItemDataRole.ToolTipRole)
        assert "Đinh Văn Hmưk, CS1: Tối đa 10 điểm" in dialog.problem.text()
        assert not dialog.save_button.isEnabled() and cell(dialog, 0, last) == "Có ô chưa đúng"
        type_cell(qtbot, dialog.view, 0, GRID, "-1")
        assert not dialog.save_button.isEnabled()
        for column, points in enumerate(["9,5", "8", "8", "8", "8", "8", "8", "8", "8", "8"]):
            type_cell(qtbot, dialog.view, 0, GRID + column, points)
        assert dialog.problem.text() == "" and dialog.save_button.isEnabled()
        assert (cell(dialog, 0, last - 1), cell(dialog, 0, last)) == ("81,5", "Đạt")
        type_cell(qtbot, dialog.view, 1, GRID + 1, "4,5")  # Y Blơm: one indicator below 5 fails
        assert (cell(dialog, 1, last - 1), cell(dialog, 1, last)) == ("86", "Không đạt")
        assert "dưới mức tối thiểu" in cell(dialog, 1, last, Qt.ItemDataRole.ToolTipRole)
        seen["count"] = dialog.count.text()
        save(dialog)

    answer(grid)
    press(area.grid_button)
    qtbot.waitUntil(lambda: "Đã lưu điểm" in area.message.text() and not window.tasks.busy(), timeout=TIMEOUT)
    assert "2 người có điểm mới chưa lưu" in seen["count"]
    assert area.message.text() == "Đã lưu điểm của 2 người: 1 đạt, 1 không đạt."
    assert results(services) == {"Đinh Văn Hmưk": ("81.5", True), "Y Blơm": ("86.0", False), "Đinh Thị Bŏk": None}

    def again(dialog):  # opens on what was just saved
        names = [r.name for r in dialog.model.rows]
        row = names.index("Đinh Văn Hmưk")
        assert cell(dialog, row, GRID) == "9,5" and cell(dialog, row, dialog.model.columnCount() - 2) == "81,5"
        press(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))

    answer(again)
    press(area.grid_button)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    window.tasks.wait()


def scores_file(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Điểm tự đánh giá Công dân học tập năm 2026"])
    sheet.append(["Mã người", "Họ và tên", *CODES])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_score_import_shows_every_row_problem_writes_nothing_then_imports(
        qtbot, window, services, answer, monkeypatch, tmp_path):
    people, _registered = citizens(services)
    hmuk, blom, bok = people
    stranger = services.persons.add("Rơ Châm Hlim", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    path = scores_file(tmp_path / "tu_danh_gia.xlsx", [
        [hmuk.id, hmuk.full_name, *["9"] * 10],
        [bok.id, bok.full_name, "10", "11", *["8"] * 8],  # row 4: CS2 above its maximum
        [stranger.id, stranger.full_name, *["9"] * 10]])  # row 5: not registered this year
    asked = files(monkeypatch, open_=path)
    area = open_models(qtbot, window)
    before = results(services)
    seen = {}

    def preview(dialog):
        qtbot.waitUntil(lambda: dialog.checked is not None, timeout=TIMEOUT)
        seen["problems"] = [tuple(r) for r in dialog.problems.rows]
        seen["summary"] = dialog.summary.text()
        seen["ready"] = [tuple(dialog.ready.index(0, c).data() for c in range(4))]
        assert not dialog.save_button.isEnabled()  # errors: nothing imported unless the valid rows are chosen
        press(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))

    answer(preview)
    press(area.import_button)
    qtbot.waitUntil(lambda: "Chưa nhập" in area.message.text(), timeout=TIMEOUT)
    assert len(asked["open"]) == 1
    assert seen["problems"] == [(4, "CS2", "Điểm của nội dung CS2 phải từ 0 đến 10."),
                                (5, "Mã người", f"\"{stranger.id}\" chưa đăng ký danh hiệu năm 2026.")]
    assert "3 dòng: 1 dòng sẽ được nhập (1 đạt), 2 dòng có lỗi" in seen["summary"]
    assert seen["ready"] == [("3", "Đinh Văn Hmưk", "90", "Đạt")]  # the rows to be written, named as in the file
    assert results(services) == before  # the dry run and the cancel wrote nothing

    def valid_rows(dialog):
        qtbot.waitUntil(lambda: dialog.checked is not None, timeout=TIMEOUT)
        press(dialog.skip)
        save(dialog)

    answer(valid_rows)
    press(area.import_button)
    qtbot.waitUntil(lambda: "Đã nhập điểm" in area.message.text() and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.message.text() == "Đã nhập điểm tự đánh giá của 1 người: 1 đạt. Bỏ qua 2 dòng có lỗi."
    assert results(services)["Đinh Văn Hmưk"] == ("90", True)
    assert results(services)["Đinh Thị Bŏk"] is None
    latest = next(r for r in services.models.rows(2026, "citizen") if r.name == "Đinh Văn Hmưk").evaluation
    assert latest.self_assessment

    scores_file(path, [[bok.id, bok.full_name, "10", "4,5", *["8"] * 8]])  # put right: imports without a choice

    def clean(dialog):
        qtbot.waitUntil(lambda: dialog.checked is not None, timeout=TIMEOUT)
        assert dialog.problems.rowCount() == 0 and dialog.save_button.isEnabled()
        save(dialog)

    answer(clean)
    press(area.import_button)
    qtbot.waitUntil(lambda: "Đinh Thị Bŏk" in {k for k, v in results(services).items() if v}, timeout=TIMEOUT)
    assert results(services)["Đinh Thị Bŏk"] == ("78.5", False)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    window.tasks.wait()


def test_a_commune_set_up_today_with_nobody_registered_gets_a_hint_not_an_error(
        qtbot, window, services, answer, monkeypatch):
    services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")  # not registered
    asked = files(monkeypatch, open_=lambda: pytest.fail("no file should be asked for"))
    area = open_models(qtbot, window)
    press(area.grid_button)  # no dialog is expected (the `answer` fixture fails on one)
    qtbot.waitUntil(lambda: "Chưa có công dân nào đăng ký" in area.message.text(), timeout=TIMEOUT)
    area.message.setText("")
    press(area.import_button)
    qtbot.waitUntil(lambda: "Chưa có công dân nào đăng ký" in area.message.text(), timeout=TIMEOUT)
    assert "\"Đăng ký...\"" in area.message.text() and asked["open"] == []
