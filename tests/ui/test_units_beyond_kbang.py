"""Units beyond Kbang in the window (issue 14): the hub's administrator adds a commune of the province and a
village in the reference area; a commune cannot; the set-up assistant offers the communes of the hub's file,
typed without diacritics, and sets the PC up for one of them."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QDate, Qt

from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.ui.main_window import MainWindow
from kbang_desktop.ui.setup_wizard import SetupWizard
from tests.ui.helpers import TIMEOUT, choose, click_tab, files, press, save


def _reference(qtbot, services):
    window = MainWindow(services)
    window.tasks.quiet = True
    qtbot.addWidget(window)
    window.show()
    area = window.areas[9]
    window.show_area(9)
    qtbot.waitUntil(lambda: area.units.rowCount() >= 1, timeout=TIMEOUT)
    click_tab(area.tabs, 0)
    return window, area


@pytest.fixture
def hub(tmp_path):
    services = open_services(tmp_path / "hub.db", Actor("os:tester", "admin"))
    services.offices.initialise("hub", "Sở Giáo dục và Đào tạo Gia Lai", None)
    yield services
    services.ctx.db.close()


def test_the_hubs_administrator_adds_a_commune_with_its_predecessor_and_a_village(qtbot, hub, answer):
    window, area = _reference(qtbot, hub)

    def new_commune(dialog):
        assert not dialog.save_button.isEnabled()  # a name first
        dialog.name.setText("Kbang Mới")
        choose(dialog.kind, "Xã")
        dialog.valid_from.setDate(QDate(2027, 1, 1))
        rows = [dialog.predecessors.item(i) for i in range(dialog.predecessors.count())]
        krong = next(r for r in rows if r.text().startswith("Xã Krong (01/07/2025"))
        krong.setCheckState(Qt.CheckState.Checked)
        save(dialog)

    answer(new_commune)
    press(area.add_commune_button)
    qtbot.waitUntil(lambda: "Đã thêm Kbang Mới" in area.units_message.text(), timeout=TIMEOUT)
    new = hub.units.find_commune("kbang moi", date(2027, 1, 1))
    assert new.valid_from == date(2027, 1, 1)
    krong = hub.units.find_commune("Krong", date(2026, 1, 1))
    assert krong.valid_to == date(2026, 12, 31)
    assert [(s.predecessor_id, s.share) for s in hub.units.successions() if s.successor_id == new.id] == [
        (krong.id, "whole")]
    qtbot.waitUntil(lambda: any(u.name == "Kbang Mới" for u in area.units.rows), timeout=TIMEOUT)

    def new_village(dialog):
        choose(dialog.commune, "Tơ Tung")
        dialog.name.setText("Làng Đê Kjiêng")
        save(dialog)

    answer(new_village)
    press(area.add_village_button)
    qtbot.waitUntil(lambda: "Đã thêm thôn, làng Làng Đê Kjiêng" in area.units_message.text(), timeout=TIMEOUT)
    to_tung = hub.units.find_commune("to tung")
    assert [v.name for v in hub.units.villages(to_tung.id)] == ["Làng Đê Kjiêng"]
    window.tasks.wait()


def test_a_commune_set_up_a_minute_ago_cannot_add_a_commune_but_adds_a_village(qtbot, services, answer):
    window, area = _reference(qtbot, services)
    assert not area.add_commune_button.isEnabled() and "đơn vị đầu mối" in area.add_commune_button.toolTip()
    area.add_commune_button.click()  # disabled: no form opens

    def new_village(dialog):
        choose(dialog.commune, "Kông Bơ La")
        dialog.name.setText("Làng Mới")
        save(dialog)

    answer(new_village)
    press(area.add_village_button)
    qtbot.waitUntil(lambda: "Làng Mới" in area.units_message.text(), timeout=TIMEOUT)
    assert [v.name for v in services.units.villages(services.units.find_commune("Kông Bơ La").id)] == ["Làng Mới"]
    window.tasks.wait()


def test_the_set_up_assistant_takes_the_hubs_units_file(qtbot, hub, tmp_path, monkeypatch):
    from kbang_desktop.sync import join

    monkeypatch.setenv("KBANG_DATA_DIR", str(tmp_path / "data"))
    hub.units.add_commune("Ia Grai", date(2025, 7, 1))
    hub.units.add_commune("Ia Hrung", date(2025, 7, 1))
    file, _count = join.units_file(hub, tmp_path / "usb" / "danh-muc.kbu")
    wizard = SetupWizard(["Kbang", "Kông Bơ La", "Krong"], tmp_path / "data")
    wizard.tasks.quiet = True
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    office = wizard.office
    office.unit.setCurrentText("Ia Grai")
    assert not office.isComplete()  # not in the shipped list
    asked = files(monkeypatch, open_=file)
    press(office.units_button)
    assert asked["open"] and "2" in office.units_note.text()
    office.unit.lineEdit().clear()
    office.unit.lineEdit().textEdited.emit("ia h")  # typed without diacritics
    assert office.matches.stringList() == ["Ia Hrung"]
    office.unit.setCurrentText("Ia Grai")
    assert office.isComplete() and office.name.text() == "UBND xã Ia Grai"
    wizard.next()
    wizard.admin.password.setText("matkhau-2026")
    wizard.admin.again.setText("matkhau-2026")
    wizard.next()
    wizard.places.backups.setText(str(tmp_path / "backups"))
    wizard.next()
    wizard.accept()
    qtbot.waitUntil(lambda: wizard.services is not None, timeout=30_000)
    services = wizard.services
    try:
        assert services.offices.this_office().unit_id == hub.units.find_commune("Ia Grai").id
    finally:
        services.ctx.db.close()
