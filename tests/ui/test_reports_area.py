"""The Báo cáo area: at a commune PC the "Xã" list starts on the office's own commune."""

from __future__ import annotations

from tests.ui.helpers import TIMEOUT, choose


def test_the_commune_list_starts_on_the_office_s_commune_and_keeps_a_choice(qtbot, window, services):
    office = services.offices.this_office()
    assert office.kind == "commune" and office.unit_id
    reports = window.areas[7]
    window.show_area(7)
    qtbot.waitUntil(lambda: reports.commune.count() > 1, timeout=TIMEOUT)
    assert reports.commune.currentText() == "Kông Bơ La"
    assert reports.commune.itemText(0) == "Tất cả các xã"  # still there to choose
    choose(reports.commune, "Tất cả các xã")
    reports.refresh()  # the list reloaded (a change elsewhere): the user's choice stays
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    assert reports.commune.currentText() == "Tất cả các xã"
