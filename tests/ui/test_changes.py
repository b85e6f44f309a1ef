"""Areas stay current: after a write (here an Excel import pressed in its area) the other areas show
the new data, at once when on screen and when shown next otherwise (ui/shared/changes.py)."""

from __future__ import annotations

from openpyxl import Workbook

from kbang_desktop.ui.shared.changes import Changes
from tests.ui.helpers import TIMEOUT, files, press


def test_an_excel_import_reaches_the_people_and_the_overview(qtbot, window, services, tmp_path, monkeypatch):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    overview, people, excel = window.areas[0], window.areas[1], window.areas[8]
    window.show_area(1)
    qtbot.waitUntil(lambda: people.model.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    window.show_area(0)
    qtbot.waitUntil(lambda: overview.figures is not None and overview.figures.people == 1, timeout=TIMEOUT)
    book = Workbook()
    book.active.append(["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng"])
    book.active.append(["Rơ Châm Hlim", 1950, "Nữ", "Jrai", "Làng A"])
    book.save(tmp_path / "ds.xlsx")
    files(monkeypatch, open_=tmp_path / "ds.xlsx")
    window.show_area(8)
    press(excel.choose)
    qtbot.waitUntil(lambda: excel.checked is not None, timeout=TIMEOUT)
    press(excel.apply_button)
    qtbot.waitUntil(lambda: people.stale and overview.stale, timeout=TIMEOUT)  # not on screen: on next show
    assert people.model.rowCount() == 1
    window.show_area(1)
    qtbot.waitUntil(lambda: people.model.rowCount() == 2, timeout=TIMEOUT)
    window.show_area(0)
    qtbot.waitUntil(lambda: overview.figures.people == 2, timeout=TIMEOUT)


def test_the_area_on_screen_refreshes_at_once_and_others_only_for_what_they_show(qtbot, window, services):
    people, settings = window.areas[1], window.areas[11]
    window.show_area(11)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    window.show_area(1)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    # A write made outside the window (the command line, another program) is seen after the next task.
    services.persons.add("Rơ Châm Hlim", "F", "1950", "Jrai", "Kông Bơ La", "Làng B")
    seen: list[Changes] = []
    window.tasks.changed.connect(seen.append)
    window.tasks.run(lambda: None)
    qtbot.waitUntil(lambda: people.model.rowCount() == 1, timeout=TIMEOUT)
    assert seen and seen[0].touches({"person"}) and not seen[0].touches({"decision"})
    assert not settings.stale  # a new person is nothing the settings show
    window.tasks.run(lambda: None)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    assert len(seen) == 1  # nothing new: nothing said
