"""What a new user sees first: the overview of a commune set up a minute ago says where to start (each
step's button opens its area, each step ticked once done), empty lists say what to press, and a
report is looked at on screen before it is saved. Every step by pressing the window's buttons."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QDate

from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.ui.main_window import AREAS, MainWindow
from tests.conftest import TEST_PASSWORD, TEST_USER, TODAY
from tests.ui.helpers import TIMEOUT, click_row, files, press


def make_window(qtbot, services):
    win = MainWindow(services)
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(qtbot, services):
    win = make_window(qtbot, services)
    yield win
    win.tasks.wait()


def idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.tasks.busy(), timeout=TIMEOUT)


def row_of(module: str) -> int:
    return next(i for i, (_t, name, _c) in enumerate(AREAS) if name == module)


def overview(qtbot, window):
    area = window.areas[0]
    window.show_area(0)
    area.refresh()
    idle(qtbot, window)
    qtbot.waitUntil(lambda: area.figures is not None, timeout=TIMEOUT)
    return area


def test_a_fresh_commune_overview_says_where_to_start_and_its_buttons_open_the_areas(qtbot, window, services):
    area = overview(qtbot, window)
    assert area.start.isVisible() and area.start.title() == "Bắt đầu từ đây"
    assert area.charts.count() == 1 and area.charts.itemAt(0).widget() is None  # no blank charts: a stretch
    texts = [label.text() for label in area.start.findChildren(type(window.who))]
    assert any("Ghi người dân và hộ gia đình" in t for t in texts)
    assert not any("(đã làm)" in t for t in texts)
    modules = ["people", "centres", "literacy", "learning_models", "sync"]
    assert len(area.step_buttons) == len(modules)
    for button, module in zip(area.step_buttons, modules, strict=True):
        window.show_area(0)
        press(button)
        assert window.sidebar.currentRow() == row_of(module)
        idle(qtbot, window)
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = overview(qtbot, window)
    qtbot.waitUntil(lambda: area.figures.people == 1, timeout=TIMEOUT)
    texts = [label.text() for label in area.start.findChildren(type(window.who))]
    assert any("Ghi người dân" in t and "(đã làm)" in t for t in texts)
    assert area.start.isVisible() and area.charts.count() == 2  # someone recorded: the charts say something


def test_a_fresh_hub_overview_starts_with_registering_communes(qtbot, tmp_path):
    services = open_services(tmp_path / "hub.db", Actor("os:tester", "admin"))
    services.ctx.today = lambda: TODAY
    services.offices.initialise("hub", "Phòng Giáo dục và Đào tạo Kbang", None, TEST_USER, TEST_PASSWORD)
    window = make_window(qtbot, services)
    try:
        area = overview(qtbot, window)
        texts = [label.text() for label in area.start.findChildren(type(window.who))]
        assert any("Đăng ký các xã" in t for t in texts) and area.start.isVisible()
        press(area.step_buttons[0])
        assert window.sidebar.currentRow() == row_of("sync")
        idle(qtbot, window)
        sync = window.areas[row_of("sync")]
        assert sync.peer_hint.isVisible() and "Đăng ký xã..." in sync.peer_hint.text()
    finally:
        window.tasks.wait()
        services.ctx.db.close()


def test_empty_lists_say_what_to_press(qtbot, window, services):
    window.show_area(row_of("centres"))
    idle(qtbot, window)
    centres = window.areas[row_of("centres")]
    assert centres.centre_hint.isVisible() and "Thêm trung tâm..." in centres.centre_hint.text()
    assert centres.buttons["add_centre"].isEnabled()
    assert not centres.buttons["edit_centre"].isEnabled()  # nothing to correct yet: no dead button
    window.show_area(row_of("literacy"))
    idle(qtbot, window)
    literacy = window.areas[row_of("literacy")]
    assert literacy.class_hint.isVisible() and "trung tâm" in literacy.class_hint.text()
    services.centres.add("Kông Bơ La", "Trung tâm học tập cộng đồng xã Kông Bơ La")
    literacy.refresh()  # as after any write: the window's next task reports it to every area
    idle(qtbot, window)
    qtbot.waitUntil(lambda: "Mở lớp mới..." in literacy.class_hint.text(), timeout=TIMEOUT)
    window.show_area(row_of("centres"))
    idle(qtbot, window)
    qtbot.waitUntil(lambda: centres.centre() is not None, timeout=TIMEOUT)  # the one centre, chosen
    idle(qtbot, window)
    assert not centres.centre_hint.isVisible() and centres.buttons["add_activity"].isEnabled()
    assert "Thêm hoạt động..." in centres.hints[0].text() and centres.hints[0].isVisible()
    window.show_area(row_of("people"))
    idle(qtbot, window)
    people = window.areas[row_of("people")]
    qtbot.waitUntil(lambda: people.model.filled, timeout=TIMEOUT)
    assert people.hint.isVisible() and "Thêm người..." in people.hint.text() and "Nhập Excel" in people.hint.text()


def test_a_report_is_looked_at_before_it_is_saved(qtbot, window, services, tmp_path, monkeypatch):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    reports = window.areas[row_of("reports")]
    reports.open_after = False
    window.show_area(row_of("reports"))
    qtbot.waitUntil(lambda: reports.report.count() == 4, timeout=TIMEOUT)
    assert reports.placeholder.isVisible() and reports.view is None
    press(reports.preview_button)
    qtbot.waitUntil(lambda: reports.document is not None and reports.document.pageCount() > 0, timeout=TIMEOUT)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: reports.view.isVisible() and not reports.placeholder.isVisible(), timeout=TIMEOUT)
    assert reports.message.text().startswith("Bản xem trước: Chuẩn biết chữ theo xã, tính đến ngày")
    first = reports.counter
    reports.as_of.setDate(QDate(2026, 6, 30))  # another date: the preview follows
    qtbot.waitUntil(lambda: reports.counter == first + 1 and not window.tasks.busy(), timeout=TIMEOUT)
    assert "30/06/2026" in reports.message.text()
    reports.report.setCurrentIndex(1)
    qtbot.waitUntil(lambda: reports.counter == first + 2 and not window.tasks.busy(), timeout=TIMEOUT)
    assert reports.report.currentText() in reports.message.text()
    files(monkeypatch, save=tmp_path / "bao-cao.pdf")
    press(reports.save_button)
    qtbot.waitUntil(lambda: (tmp_path / "bao-cao.pdf").exists() and not window.tasks.busy(), timeout=TIMEOUT)
    assert "Đã lưu" in reports.message.text()
    assert date(2026, 6, 30) == reports.options()[1]


def test_the_household_tab_of_a_fresh_commune_then_the_people_list(qtbot, window, services):
    window.show_area(row_of("people"))
    idle(qtbot, window)
    people = window.areas[row_of("people")]
    qtbot.waitUntil(lambda: people.commune.currentData() is not None, timeout=TIMEOUT)
    people.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: people.households.filled, timeout=TIMEOUT)
    assert people.household_hint.isVisible() and "Thêm hộ..." in people.household_hint.text()
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A", household_id=None)
    head = services.persons.search("dinh van hmuk")[0]
    services.households.add("Kông Bơ La", "Làng A", "5", head.id)
    people.refresh()
    qtbot.waitUntil(lambda: people.households.rowCount() == 1, timeout=TIMEOUT)
    assert not people.household_hint.isVisible()
    click_row(people.household_view, 0)
    assert people.open_household_button.isEnabled()


def test_the_overview_charts_go_one_above_the_other_on_a_narrow_screen(qtbot, window, services):
    """At 1024 pixels the model chart's names would be cut ("Cộng đồng học t..."): the charts are stacked."""
    from PySide6.QtCharts import QChartView
    from PySide6.QtWidgets import QBoxLayout

    from tests.documents.helpers import issued_decision

    issued_decision(services)  # people: the charts are drawn
    window.resize(1024, 700)
    area = overview(qtbot, window)
    qtbot.waitUntil(lambda: len(area.findChildren(QChartView)) == 2, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: area.charts.direction() == QBoxLayout.Direction.TopToBottom, timeout=TIMEOUT)
    charts = [c for c in area.findChildren(QChartView) if c.isVisible()]
    assert len(charts) == 2 and all(c.width() > 600 for c in charts)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: area.charts.direction() == QBoxLayout.Direction.LeftToRight, timeout=TIMEOUT)
